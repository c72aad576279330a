package io.chorus.ingest.engage.quiz;

import static io.chorus.ingest.engage.quiz.QuizFixture.ACTIVITY;
import static io.chorus.ingest.engage.quiz.QuizFixture.EVENT;
import static io.chorus.ingest.engage.quiz.QuizFixture.JSON;
import static io.chorus.ingest.engage.quiz.QuizFixture.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Refusal;
import io.chorus.ingest.engage.Role;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** quiz.answer: which answers count, and what they score. Question 0 opens at t=100 000, limit 10 s. */
class QuizAnswerTest {

    private static final long OPEN = 100_000;
    private final QuizFixture quiz = QuizFixture.standard();

    private long pointsOf(String participant, int question) {
        return quiz.kv.get(new QuizKeys(quiz.activity).answer(question, participant), Answer.class).points();
    }

    @Test
    void anAcceptedAnswerIsStoredCountedAuditedAndMarksTheSnapshot() {
        quiz.next(OPEN);
        quiz.effects.clear();
        quiz.answer("p1", 0, "A", OPEN + 2_000);

        assertEquals(Set.of(Channels.activity(EVENT, ACTIVITY)), quiz.effects.changed);
        assertEquals(1, quiz.effects.audits.size());
        RecordingEffects.Audit audit = quiz.effects.audits.get(0);
        assertEquals(ACTIVITY, audit.activity());
        assertJson(JSON.createObjectNode().put("round", 1).put("participant", "p1").put("question", 0)
                .put("choice", "A").put("correct", true).put("points", 900).put("at", OPEN + 2_000), audit.response());
        assertEquals(1, quiz.snapshot().get("responses").asInt());
    }

    @Test
    void beforeTheFirstQuestionEveryAnswerIsUnknownQuestion() {
        quiz.refused(EngageError.UNKNOWN_QUESTION, () -> quiz.answer("p1", 0, "A", OPEN));
    }

    @Test
    void onlyTheOpenQuestionTakesAnswers() {
        quiz.next(OPEN);
        quiz.answer("p1", 0, "A", OPEN + 1);
        quiz.next(OPEN + 20_000);
        Refusal past = quiz.refused(EngageError.UNKNOWN_QUESTION, () -> quiz.answer("p2", 0, "A", OPEN + 20_001));
        assertTrue(past.getMessage().contains("open question is 1"), past.getMessage());
        quiz.refused(EngageError.UNKNOWN_QUESTION, () -> quiz.answer("p2", 2, "C", OPEN + 20_001));
        quiz.refused(EngageError.UNKNOWN_QUESTION, () -> quiz.answer("p2", -1, "A", OPEN + 20_001));
        quiz.answer("p2", 1, "B", OPEN + 20_001);
    }

    @Test
    void anOptionTheQuestionDoesNotHaveIsUnknownOption() {
        quiz.next(OPEN);
        quiz.refused(EngageError.UNKNOWN_OPTION, () -> quiz.answer("p1", 0, "E", OPEN + 1));
        quiz.refused(EngageError.UNKNOWN_OPTION, () -> quiz.answer("p1", 0, "a", OPEN + 1));
    }

    @Test
    void malformedFieldsAreInvalidCommand() {
        quiz.next(OPEN);
        Command noQuestion = quiz.command(Role.PARTICIPANT, "p1", OPEN, QuizKind.ANSWER,
                JSON.createObjectNode().put("choice", "A"));
        quiz.refused(EngageError.INVALID_COMMAND, () -> quiz.kind.apply(noQuestion, quiz.activity, quiz.ctx(OPEN)));
        Command textQuestion = quiz.command(Role.PARTICIPANT, "p1", OPEN, QuizKind.ANSWER,
                JSON.createObjectNode().put("question", "0").put("choice", "A"));
        quiz.refused(EngageError.INVALID_COMMAND, () -> quiz.kind.apply(textQuestion, quiz.activity, quiz.ctx(OPEN)));
        Command numberChoice = quiz.command(Role.PARTICIPANT, "p1", OPEN, QuizKind.ANSWER,
                JSON.createObjectNode().put("question", 0).put("choice", 1));
        quiz.refused(EngageError.INVALID_COMMAND, () -> quiz.kind.apply(numberChoice, quiz.activity, quiz.ctx(OPEN)));
        Command noParticipant = quiz.command(Role.PARTICIPANT, null, OPEN, QuizKind.ANSWER,
                JSON.createObjectNode().put("question", 0).put("choice", "A"));
        quiz.refused(EngageError.INVALID_COMMAND, () -> quiz.kind.apply(noParticipant, quiz.activity,
                quiz.ctx(OPEN)));
        Command other = quiz.command(Role.PARTICIPANT, "p1", OPEN, "poll.vote", JSON.createObjectNode());
        quiz.refused(EngageError.INVALID_COMMAND, () -> quiz.kind.apply(other, quiz.activity, quiz.ctx(OPEN)));
    }

    @Test
    void aSecondAnswerIsAlreadyVotedAndChangesNothing() {
        quiz.next(OPEN);
        quiz.answer("p1", 0, "B", OPEN + 1_000);
        quiz.refused(EngageError.ALREADY_VOTED, () -> quiz.answer("p1", 0, "A", OPEN + 2_000));
        quiz.refused(EngageError.ALREADY_VOTED, () -> quiz.answer("p1", 0, "B", OPEN + 2_000));
        assertEquals(0, pointsOf("p1", 0));
    }

    @Test
    void anAnswerStampedAfterTheDeadlineIsTooLateAndSaysWhen() {
        quiz.next(OPEN);
        quiz.answer("p1", 0, "A", OPEN + 10_000);
        Refusal r = quiz.refused(EngageError.TOO_LATE, () -> quiz.answer("p2", 0, "A", OPEN + 10_001));
        assertTrue(r.getMessage().contains(Instant.ofEpochMilli(OPEN + 10_000).toString()), r.getMessage());
        assertEquals(500, pointsOf("p1", 0));
    }

    @Test
    void theDeadlineComesFromTheRecordTimestampNotTheClock() {
        quiz.next(OPEN);
        Command late = quiz.command(Role.PARTICIPANT, "p1", OPEN + 10_001, QuizKind.ANSWER,
                JSON.createObjectNode().put("question", 0).put("choice", "A"));
        // ctx.now() early: the record's timestamp still decides.
        quiz.refused(EngageError.TOO_LATE, () -> quiz.kind.apply(late, quiz.activity, quiz.ctx(OPEN)));
        Command inTime = quiz.command(Role.PARTICIPANT, "p2", OPEN + 1, QuizKind.ANSWER,
                JSON.createObjectNode().put("question", 0).put("choice", "A"));
        quiz.kind.apply(inTime, quiz.activity, quiz.ctx(OPEN + 1_000_000));
    }

    @Test
    void afterTheRevealAnswersAreTooLateEvenBeforeTheDeadline() {
        quiz.next(OPEN);
        quiz.reveal(OPEN + 3_000);
        Refusal r = quiz.refused(EngageError.TOO_LATE, () -> quiz.answer("p1", 0, "A", OPEN + 3_001));
        assertTrue(r.getMessage().contains("revealed"), r.getMessage());
    }

    @Test
    void aCorrectAnswerScoresByElapsedTimeFromTheQuestionsOpenTimestamp() {
        quiz.next(OPEN);
        // 500 + round(500 × (1 − elapsed / 10 000))
        long[][] cases = {{0, 1000}, {5_000, 750}, {10_000, 500}, {1, 1000}, {10, 1000}, {11, 999},
                {3_333, 833}, {6_667, 667}, {9_999, 500}};
        for (long[] c : cases) {
            quiz.answer("p" + c[0], 0, "A", OPEN + c[0]);
            assertEquals(c[1], pointsOf("p" + c[0], 0), "elapsed " + c[0]);
        }
    }

    @Test
    void scoringRoundsHalvesUpLikeMathRound() {
        // limit 20 s: 500 × (1 − e/20 000) = 499.5 at e = 20, 0.5 at e = 19 980
        quiz.next(OPEN);
        quiz.next(OPEN + 1);
        quiz.answer("half", 1, "B", OPEN + 1 + 20);
        quiz.answer("end", 1, "B", OPEN + 1 + 19_980);
        assertEquals(1000, pointsOf("half", 1));
        assertEquals(501, pointsOf("end", 1));
    }

    @Test
    void anAnswerStampedBeforeTheOpenTimeIsClampedToFullSpeed() {
        quiz.next(OPEN);
        quiz.answer("skewed", 0, "A", OPEN - 700);
        assertEquals(1000, pointsOf("skewed", 0));
    }

    @Test
    void aWrongAnswerScoresNothingButCounts() {
        quiz.next(OPEN);
        quiz.answer("p1", 0, "C", OPEN);
        assertEquals(0, pointsOf("p1", 0));
        assertEquals(1, quiz.snapshot().get("responses").asInt());
    }

    @Test
    void scoringMatchesTheFormulaForEveryElapsedMillisecond() {
        for (long limit : new long[] {5_000, 7_777, 300_000}) {
            for (long e = -5; e <= limit + 5; e += (limit > 10_000 ? 7 : 1)) {
                long clamped = Math.max(0, Math.min(e, limit));
                // exact decimal arithmetic, so a half is a half (doubles may land just under it)
                long expected = 500 + java.math.BigDecimal.valueOf(500 * (limit - clamped))
                        .divide(java.math.BigDecimal.valueOf(limit), 0, java.math.RoundingMode.HALF_UP).longValue();
                assertEquals(expected, Scoring.points(true, e, limit), "limit " + limit + " elapsed " + e);
            }
            assertEquals(0, Scoring.points(false, 0, limit));
        }
    }
}
