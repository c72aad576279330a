package io.chorus.ingest.engage.quiz;

import static io.chorus.ingest.engage.quiz.QuizFixture.JSON;
import static io.chorus.ingest.engage.quiz.QuizFixture.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Refusal;
import org.junit.jupiter.api.Test;

/** quiz.team and team totals. */
class QuizTeamTest {

    private final QuizFixture quiz = QuizFixture.standard();

    private static ObjectNode team(String name, long score, int members) {
        return JSON.createObjectNode().put("name", name).put("score", score).put("members", members);
    }

    @Test
    void aParticipantJoinsOneTeamOncePerRound() {
        quiz.team("p1", "red", 10);
        assertEquals(1, quiz.effects.audits.size());
        assertJson(JSON.createObjectNode().put("round", 1).put("participant", "p1").put("team", "red").put("at", 10),
                quiz.effects.audits.get(0).response());
        Refusal r = quiz.refused(EngageError.ALREADY_VOTED, () -> quiz.team("p1", "blue", 20));
        assertTrue(r.getMessage().contains("red"), r.getMessage());
        quiz.refused(EngageError.ALREADY_VOTED, () -> quiz.team("p1", "red", 20));
        assertEquals("red", quiz.you("p1").get("team").asText());
    }

    @Test
    void aTeamTheQuizDoesNotHaveIsUnknownTeam() {
        quiz.refused(EngageError.UNKNOWN_TEAM, () -> quiz.team("p1", "green", 10));
        quiz.refused(EngageError.UNKNOWN_TEAM, () -> quiz.team("p1", "Red", 10));
        QuizFixture noTeams = new QuizFixture(QuizFixture.create(new String[] {"A"}, new long[] {5_000}));
        noTeams.refused(EngageError.UNKNOWN_TEAM, () -> noTeams.team("p1", "red", 10));
    }

    @Test
    void teamTotalsSumTheMembersScoresWhenEverTheyJoined() {
        quiz.team("early", "red", 0);
        quiz.next(0);
        quiz.answer("early", 0, "A", 0);      // 1000
        quiz.answer("late", 0, "A", 5_000);   // 750, joins red afterwards
        quiz.answer("blue1", 0, "A", 10_000); // 500
        quiz.answer("solo", 0, "A", 0);       // no team
        quiz.team("late", "red", 6_000);
        quiz.team("blue1", "blue", 6_000);
        quiz.team("blue2", "blue", 6_000);
        quiz.reveal(10_000);
        ArrayNode expected = JSON.createArrayNode().add(team("red", 1750, 2)).add(team("blue", 500, 2));
        assertJson(expected, quiz.snapshot().get("results").get("teams"));
    }

    @Test
    void teamTotalsHideTheOpenQuestionUntilTheReveal() {
        quiz.next(0);
        quiz.answer("r1", 0, "A", 0);      // 1000
        quiz.answer("b1", 0, "B", 0);      // 0
        quiz.team("r1", "red", 1);
        quiz.team("b1", "blue", 1);
        quiz.reveal(1);
        quiz.next(20_000);
        quiz.answer("b1", 1, "B", 20_000); // 1000
        quiz.team("b2", "blue", 20_001);
        quiz.answer("b2", 1, "B", 20_002); // joined first, then answered
        ArrayNode hidden = JSON.createArrayNode().add(team("red", 1000, 1)).add(team("blue", 0, 2));
        assertJson(hidden, quiz.snapshot().get("results").get("teams"));
        quiz.reveal(21_000);
        ArrayNode shown = JSON.createArrayNode().add(team("blue", 2000, 2)).add(team("red", 1000, 1));
        assertJson(shown, quiz.snapshot().get("results").get("teams"));
    }

    @Test
    void teamsAreSortedByScoreThenName() {
        QuizFixture three = new QuizFixture(QuizFixture.create(new String[] {"A"}, new long[] {5_000},
                "zeta", "alpha", "mid"));
        three.team("p1", "mid", 0);
        three.next(0);
        three.answer("p1", 0, "A", 0);
        three.reveal(1);
        ArrayNode expected = JSON.createArrayNode().add(team("mid", 1000, 1)).add(team("alpha", 0, 0))
                .add(team("zeta", 0, 0));
        assertJson(expected, three.snapshot().get("results").get("teams"));
    }
}
