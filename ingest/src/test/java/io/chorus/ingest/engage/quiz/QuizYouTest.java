package io.chorus.ingest.engage.quiz;

import static io.chorus.ingest.engage.quiz.QuizFixture.JSON;
import static io.chorus.ingest.engage.quiz.QuizFixture.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** responseOf: the participant's own state, for their {@code you} message. */
class QuizYouTest {

    private final QuizFixture quiz = QuizFixture.standard();

    @Test
    void nothingBeforeTheParticipantDidAnything() {
        assertNull(quiz.you("p1"));
        quiz.next(0);
        quiz.answer("p2", 0, "A", 0);
        assertNull(quiz.you("p1"));
    }

    @Test
    void theOwnAnswerShowsItsCorrectnessAndPointsOnlyAfterTheReveal() {
        quiz.next(0);
        quiz.answer("p1", 0, "A", 2_000);
        ObjectNode before = JSON.createObjectNode().put("question", 0);
        before.putObject("answer").put("choice", "A").put("at", 2_000);
        before.put("score", 0).putNull("team");
        assertJson(before, quiz.you("p1"));

        quiz.reveal(3_000);
        ObjectNode after = JSON.createObjectNode().put("question", 0);
        after.putObject("answer").put("choice", "A").put("at", 2_000).put("correct", true).put("points", 900);
        after.put("score", 900).putNull("team");
        assertJson(after, quiz.you("p1"));
    }

    @Test
    void aWrongAnswerIsToldSoAfterTheReveal() {
        quiz.team("p1", "blue", 0);
        quiz.next(0);
        quiz.answer("p1", 0, "D", 1);
        quiz.reveal(3_000);
        ObjectNode you = quiz.you("p1");
        assertEquals(false, you.get("answer").get("correct").asBoolean());
        assertEquals(0, you.get("answer").get("points").asInt());
        assertEquals("blue", you.get("team").asText());
    }

    @Test
    void theNextQuestionStartsWithNoAnswerAndTheScoreSoFar() {
        quiz.next(0);
        quiz.answer("p1", 0, "A", 0);
        quiz.next(20_000);
        ObjectNode you = JSON.createObjectNode().put("question", 1).putNull("answer").put("score", 1000)
                .putNull("team");
        assertJson(you, quiz.you("p1"));
    }

    @Test
    void aTeamAloneIsEnoughToHaveAState() {
        quiz.team("p1", "red", 0);
        ObjectNode you = JSON.createObjectNode().putNull("question").putNull("answer").put("score", 0)
                .put("team", "red");
        assertJson(you, quiz.you("p1"));
    }
}
