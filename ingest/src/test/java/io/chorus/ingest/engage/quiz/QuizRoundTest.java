package io.chorus.ingest.engage.quiz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Rounds (rerun) and the order of commands. */
class QuizRoundTest {

    @Test
    void aRerunStartsEmptyAndTakesEveryoneAgain() {
        QuizFixture quiz = QuizFixture.standard();
        quiz.team("p1", "red", 0);
        quiz.next(0);
        quiz.answer("p1", 0, "A", 0);
        quiz.reveal(1);

        quiz.activity = quiz.activity.withState(Activity.OPEN, 2, 100_000);
        ObjectNode s = quiz.snapshot();
        assertTrue(s.get("question").isNull(), s.toString());
        assertEquals(0, s.get("responses").asInt());
        assertEquals(0, s.get("results").get("leaderboard").size());
        assertEquals(0, s.get("results").get("teams").get(0).get("members").asInt());
        assertNull(quiz.you("p1"));

        quiz.team("p1", "blue", 100_000);
        quiz.next(100_000);
        quiz.answer("p1", 0, "A", 105_000);
        quiz.reveal(105_001);
        assertEquals(List.of("p1:750"), QuizSnapshotTest.board(quiz.snapshot()));
        assertEquals("blue", quiz.you("p1").get("team").asText());
    }

    private record Step(String participant, String team, String choice, long at) {
    }

    /**
     * Within a question, answers and team choices may arrive in any order (and from gateways with skewed
     * clocks, so with timestamps out of order): the snapshot and everyone's own state come out the same.
     */
    @Test
    void theResultsDoNotDependOnTheOrderOfCommands() {
        String[] choices = {"A", "B", "C", "D"};
        Random random = new Random(7);
        List<List<Step>> phases = new ArrayList<>();
        for (int q = 0; q < 3; q++) {
            List<Step> steps = new ArrayList<>();
            for (int p = 0; p < 40; p++) {
                if (random.nextInt(4) > 0) {
                    steps.add(new Step("p" + p, null, choices[random.nextInt(4)], random.nextInt(10_000)));
                }
                if (q == p % 3 && p % 5 != 0) { // most join a team, each in one of the three phases
                    steps.add(new Step("p" + p, p % 2 == 0 ? "red" : "blue", null, random.nextInt(10_000)));
                }
            }
            phases.add(steps);
        }
        String expected = null;
        for (long seed = 0; seed < 6; seed++) {
            QuizFixture quiz = QuizFixture.standard();
            Random order = new Random(seed);
            for (int q = 0; q < phases.size(); q++) {
                long open = 100_000L * (q + 1);
                quiz.next(open);
                List<Step> steps = new ArrayList<>(phases.get(q));
                Collections.shuffle(steps, order);
                for (Step s : steps) {
                    if (s.team() != null) {
                        quiz.team(s.participant(), s.team(), open + s.at());
                    } else {
                        quiz.answer(s.participant(), q, s.choice(), open + s.at());
                    }
                }
                if (q < 2) {
                    quiz.reveal(open + 10_000);
                }
            }
            StringBuilder state = new StringBuilder(quiz.snapshot().toString());
            for (int p = 0; p < 40; p++) {
                state.append('\n').append(quiz.you("p" + p));
            }
            if (expected == null) {
                expected = state.toString();
            } else {
                assertEquals(expected, state.toString(), "order " + seed);
            }
        }
        assertTrue(expected.contains("\"members\":"), expected);
    }
}
