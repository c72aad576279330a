package io.chorus.ingest.engage.quiz;

import static io.chorus.ingest.engage.quiz.QuizFixture.JSON;
import static io.chorus.ingest.engage.quiz.QuizFixture.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the activity snapshot shows, and when. */
class QuizSnapshotTest {

    private final QuizFixture quiz = QuizFixture.standard();

    private static List<Integer> indexes(JsonNode questions) {
        List<Integer> out = new ArrayList<>();
        questions.forEach(q -> out.add(q.get("index").asInt()));
        return out;
    }

    @Test
    void beforeTheFirstQuestionNothingIsShownButTheCountAndTeams() {
        ObjectNode s = quiz.snapshot();
        assertEquals(JSON.createArrayNode(), s.get("questions"));
        assertEquals(3, s.get("questionCount").asInt());
        assertTrue(s.get("question").isNull());
        assertEquals(0, s.get("responses").asInt());
        assertEquals(JSON.createArrayNode().add("red").add("blue"), s.get("teams"));
        assertEquals(JSON.createArrayNode(), s.get("results").get("leaderboard"));
        assertFalse(s.toString().contains("Question 0"), s.toString());
    }

    @Test
    void noAnswerLeaksBeforeTheReveal() {
        quiz.next(100);
        quiz.answer("p1", 0, "A", 200);
        quiz.answer("p2", 0, "B", 300);
        ObjectNode s = quiz.snapshot();
        String text = s.toString();
        assertFalse(text.contains("correct"), text);
        assertFalse(text.contains("counts"), text);
        assertFalse(text.contains("questionLeaderboard"), text);
        assertFalse(text.contains("Question 1"), "a question not opened yet is shown: " + text);
        assertEquals(List.of(0), indexes(s.get("questions")));
        assertEquals(2, s.get("responses").asInt());
        // p1's points for the open question stay hidden, so nobody has scored yet
        assertEquals(JSON.createArrayNode(), s.get("results").get("leaderboard"), text);
    }

    @Test
    void aCallerEmbeddedDefinitionLosesItsAnswersToo() {
        quiz.next(100);
        ObjectNode s = JSON.createObjectNode();
        s.set("definition", quiz.activity.definition().deepCopy());
        quiz.kind.render(quiz.activity, true, s, quiz.ctx(0));
        assertFalse(s.toString().contains("correct"), s.toString());
    }

    @Test
    void theRevealShowsTheCorrectOptionTheCountsAndTheQuestionBoard() {
        quiz.join("p1", "Ada");
        quiz.next(100);
        quiz.answer("p1", 0, "A", 1_100);
        quiz.answer("p2", 0, "B", 300);
        quiz.answer("p3", 0, "B", 400);
        quiz.answer("p4", 0, "A", 5_100);
        quiz.reveal(6_000);
        ObjectNode s = quiz.snapshot();
        ObjectNode q = (ObjectNode) s.get("question");
        assertEquals("A", q.get("correct").asText());
        assertTrue(q.get("revealed").asBoolean());
        assertJson(JSON.createObjectNode().put("A", 2).put("B", 2).put("C", 0).put("D", 0), q.get("counts"));
        assertEquals("A", s.get("questions").get(0).get("correct").asText());

        ArrayNode board = (ArrayNode) s.get("results").get("questionLeaderboard");
        ArrayNode expected = JSON.createArrayNode();
        expected.addObject().put("participant", "p1").put("name", "Ada").put("points", 950);
        expected.addObject().put("participant", "p4").putNull("name").put("points", 750);
        assertJson(expected, board);
        assertEquals(950, s.get("results").get("leaderboard").get(0).get("score").asLong());
    }

    @Test
    void aQuestionTheHostMovedPastShowsItsAnswerAndCountsInTheTotals() {
        quiz.next(100);
        quiz.answer("p1", 0, "A", 100);
        quiz.next(20_000);
        ObjectNode s = quiz.snapshot();
        assertEquals(List.of(0, 1), indexes(s.get("questions")));
        assertEquals("A", s.get("questions").get(0).get("correct").asText());
        assertFalse(s.get("questions").get(1).has("correct"));
        assertFalse(s.get("question").has("correct"));
        assertEquals(1000, s.get("results").get("leaderboard").get(0).get("score").asLong());
        assertEquals(0, s.get("responses").asInt());
    }

    @Test
    void revealingTheActivityShowsEveryQuestionWithItsAnswer() {
        quiz.next(100);
        quiz.activity = quiz.activity.withState(Activity.RESULTS, 1, 200);
        ObjectNode s = quiz.snapshot();
        assertEquals(List.of(0, 1, 2), indexes(s.get("questions")));
        assertEquals("C", s.get("questions").get(2).get("correct").asText());
        assertTrue(s.get("question").get("revealed").asBoolean());
    }

    @Test
    void revealingTheActivityWithoutTheQuestionCountsItsPointsToo() {
        quiz.next(0);
        quiz.answer("p1", 0, "A", 5_000);
        quiz.answer("p2", 0, "A", 0);
        assertEquals(List.of(), board(quiz.snapshot()));
        quiz.activity = quiz.activity.withState(Activity.RESULTS, 1, 6_000);
        ObjectNode s = quiz.snapshot();
        assertEquals(List.of("p2:1000", "p1:750"), board(s));
        assertEquals(2, s.get("results").get("questionLeaderboard").size());
    }

    @Test
    void theOverallBoardShowsTheOpenQuestionsPointsOnlyAfterTheReveal() {
        quiz.next(0);
        quiz.answer("p1", 0, "A", 0);
        quiz.answer("p2", 0, "A", 5_000);
        quiz.reveal(10_000);
        quiz.next(20_000);
        quiz.answer("p2", 1, "B", 20_000);
        quiz.answer("p1", 1, "D", 20_000);
        assertEquals(List.of("p1:1000", "p2:750"), board(quiz.snapshot()));
        assertFalse(quiz.snapshot().get("results").has("questionLeaderboard"));
        quiz.reveal(25_000);
        assertEquals(List.of("p2:1750", "p1:1000"), board(quiz.snapshot()));
    }

    @Test
    void tiesGoToTheEarlierLastCorrectAnswerThenToTheParticipantId() {
        // p-b and p-a both reach 1000 + 500; p-c the same total but its last correct answer is later
        quiz.next(0);
        quiz.answer("p-c", 0, "A", 0);
        quiz.answer("p-b", 0, "A", 10_000);
        quiz.answer("p-a", 0, "A", 10_000);
        quiz.answer("p-z", 0, "B", 10);
        quiz.reveal(10_000);
        quiz.next(20_000);
        quiz.answer("p-b", 1, "B", 20_000);
        quiz.answer("p-a", 1, "B", 20_000);
        quiz.answer("p-c", 1, "B", 40_000);
        // p-c's last correct answer (t=40 000) is hidden until the reveal: its visible one is t=0
        assertEquals(List.of("p-c:1000", "p-a:500", "p-b:500"), board(quiz.snapshot()));
        quiz.reveal(40_000);
        assertEquals(List.of("p-a:1500", "p-b:1500", "p-c:1500"), board(quiz.snapshot()), "p-z never scored");
    }

    @Test
    void anUnrevealedCorrectAnswerDoesNotMoveItsAuthorInATie() {
        quiz.next(0);
        quiz.answer("pb", 0, "A", 0);          // 1000, last correct t=0
        quiz.reveal(1);
        quiz.next(20_000);
        quiz.answer("pa", 1, "B", 20_000);     // 1000, last correct t=20 000
        quiz.reveal(20_001);
        assertEquals(List.of("pb:1000", "pa:1000"), board(quiz.snapshot()));
        quiz.next(50_000);
        quiz.answer("pb", 2, "C", 80_000);     // correct, at the deadline: hidden until the reveal
        assertEquals(List.of("pb:1000", "pa:1000"), board(quiz.snapshot()));
        quiz.reveal(80_001);
        assertEquals(List.of("pb:1500", "pa:1000"), board(quiz.snapshot()));
    }

    @Test
    void theBoardsKeepTheTopTenInOrder() {
        quiz.next(0);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            String p = "p" + (char) ('a' + i);
            long at = 600L * (14 - i); // the later in the alphabet, the faster
            quiz.answer(p, 0, "A", at);
            long points = 500 + (10_000 - at) / 20; // 500 × (1 − at / 10 000), exact for these times
            expected.add(0, p + ":" + points);
        }
        quiz.reveal(10_000);
        ObjectNode s = quiz.snapshot();
        assertEquals(expected.subList(0, 10), board(s));
        ArrayNode byQuestion = (ArrayNode) s.get("results").get("questionLeaderboard");
        assertEquals(10, byQuestion.size());
        assertEquals("po", byQuestion.get(0).get("participant").asText());
        assertEquals("pf", byQuestion.get(9).get("participant").asText());
    }

    @Test
    void resultsAreLeftOutWhenTheActivityHidesThem() {
        quiz.next(0);
        quiz.answer("p1", 0, "A", 0);
        quiz.reveal(1);
        ObjectNode s = quiz.snapshot(false);
        assertFalse(s.has("results"), s.toString());
        assertEquals("A", s.get("question").get("correct").asText());
    }

    static List<String> board(ObjectNode snapshot) {
        List<String> out = new ArrayList<>();
        snapshot.get("results").get("leaderboard").forEach(r -> out.add(r.get("participant").asText() + ":"
                + r.get("score").asLong()));
        return out;
    }
}
