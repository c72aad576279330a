package io.chorus.ingest.engage.quiz;

import static io.chorus.ingest.engage.quiz.QuizFixture.ACTIVITY;
import static io.chorus.ingest.engage.quiz.QuizFixture.EVENT;
import static io.chorus.ingest.engage.quiz.QuizFixture.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Role;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** quiz.next and quiz.reveal. */
class QuizControlTest {

    private final QuizFixture quiz = QuizFixture.standard();

    @Test
    void theQuizNamesItsCommands() {
        assertEquals("quiz", quiz.kind.kind());
        assertEquals(Set.of("quiz.answer", "quiz.team"), quiz.kind.types());
        assertEquals(Set.of("quiz.next", "quiz.reveal"), quiz.kind.controlTypes());
    }

    @Test
    void nextOpensTheQuestionsInOrderEachWithItsDeadlineFromTheCommandTimestamp() {
        quiz.next(50_000);
        ObjectNode q = (ObjectNode) quiz.snapshot().get("question");
        assertEquals(0, q.get("index").asInt());
        assertEquals(50_000, q.get("openedAt").asLong());
        assertEquals(60_000, q.get("deadline").asLong());
        assertFalse(q.get("revealed").asBoolean());
        assertEquals(Set.of(Channels.activity(EVENT, ACTIVITY)), quiz.effects.changed);

        quiz.next(70_000);
        q = (ObjectNode) quiz.snapshot().get("question");
        assertEquals(1, q.get("index").asInt());
        assertEquals(90_000, q.get("deadline").asLong());
        quiz.next(95_000);
        assertEquals(95_000 + 30_000, quiz.snapshot().get("question").get("deadline").asLong());
    }

    @Test
    void nextAfterTheLastQuestionIsUnknownQuestion() {
        quiz.next(1);
        quiz.next(2);
        quiz.next(3);
        quiz.refused(EngageError.UNKNOWN_QUESTION, () -> quiz.next(4));
        assertEquals(2, quiz.snapshot().get("question").get("index").asInt());
    }

    @Test
    void onlyTheHostMovesTheQuiz() {
        for (Role role : new Role[] {Role.MODERATOR, Role.PRESENTER, Role.PARTICIPANT}) {
            for (String type : new String[] {QuizKind.NEXT, QuizKind.REVEAL}) {
                Command c = quiz.command(role, "staff", 10, type, JSON.createObjectNode());
                quiz.refused(EngageError.FORBIDDEN, () -> quiz.kind.control(c, quiz.activity, quiz.ctx(10)));
            }
        }
    }

    @Test
    void nextNeedsAnOpenQuiz() {
        quiz.activity = quiz.activity.withState(Activity.CLOSED, 1, 0);
        quiz.refused(EngageError.ACTIVITY_NOT_OPEN, () -> quiz.next(10));
        quiz.activity = quiz.activity.withState(Activity.DRAFT, 0, 0);
        quiz.refused(EngageError.ACTIVITY_NOT_OPEN, () -> quiz.next(10));
    }

    @Test
    void revealBeforeAnyQuestionIsUnknownQuestion() {
        quiz.refused(EngageError.UNKNOWN_QUESTION, () -> quiz.reveal(10));
    }

    @Test
    void revealMarksTheSnapshotAndEachAnswerersOwnChannel() {
        quiz.next(100);
        quiz.answer("p1", 0, "A", 200);
        quiz.answer("p|2", 0, "B", 300);
        quiz.effects.clear();
        quiz.reveal(400);
        assertEquals(Set.of(Channels.activity(EVENT, ACTIVITY), Channels.me(EVENT, "p1"), Channels.me(EVENT, "p|2")),
                quiz.effects.changed);
        assertTrue(quiz.snapshot().get("question").get("revealed").asBoolean());
    }

    @Test
    void aSecondRevealChangesNothing() {
        quiz.next(100);
        quiz.answer("p1", 0, "A", 200);
        quiz.reveal(400);
        String before = quiz.dump();
        quiz.effects.clear();
        quiz.reveal(500);
        assertEquals(before, quiz.dump());
        quiz.effects.assertNone();
    }

    @Test
    void aClosedQuizCanStillRevealItsLastQuestion() {
        quiz.next(100);
        quiz.answer("p1", 0, "A", 200);
        quiz.activity = quiz.activity.withState(Activity.CLOSED, 1, 300);
        quiz.reveal(400);
        assertEquals("A", quiz.snapshot().get("question").get("correct").asText());
    }

    @Test
    void anUnknownStaffTypeIsInvalidCommand() {
        Command c = quiz.command(Role.HOST, "host", 10, "quiz.skip", JSON.createObjectNode());
        quiz.refused(EngageError.INVALID_COMMAND, () -> quiz.kind.control(c, quiz.activity, quiz.ctx(10)));
    }
}
