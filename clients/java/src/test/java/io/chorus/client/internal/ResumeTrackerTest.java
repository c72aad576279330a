package io.chorus.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.schema.Position;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResumeTrackerTest {

    private static final UUID TOPIC = new UUID(1, 2);
    private static final String ROOM = "chat:room1";
    private static final String LOBBY = "chat:lobby";

    private final ResumeTracker tracker = new ResumeTracker();

    private static String at(long offset) {
        return new Position(TOPIC, 3, 8, offset).encode();
    }

    @Test
    void withoutAMarkEveryMessagePassesAndBecomesTheMark() {
        assertNull(tracker.last(ROOM));
        assertTrue(tracker.accept(ROOM, at(5)));
        assertEquals(at(5), tracker.last(ROOM));
    }

    @Test
    void messagesAtOrBelowTheMarkAreDroppedAndAboveItPass() {
        tracker.reset(ROOM, at(41));
        assertFalse(tracker.accept(ROOM, at(40)));
        assertFalse(tracker.accept(ROOM, at(41)));
        assertTrue(tracker.accept(ROOM, at(42)));
        assertFalse(tracker.accept(ROOM, at(42)), "the mark moved with the delivery");
        assertTrue(tracker.accept(ROOM, at(50)), "a gap is not the tracker's business");
        assertEquals(at(50), tracker.last(ROOM));
    }

    @Test
    void eachChannelHasItsOwnMark() {
        tracker.reset(ROOM, at(100));
        tracker.reset(LOBBY, at(1));
        assertTrue(tracker.accept(LOBBY, at(2)));
        assertFalse(tracker.accept(ROOM, at(2)));
        tracker.forget(ROOM);
        assertNull(tracker.last(ROOM));
        assertEquals(at(2), tracker.last(LOBBY));
    }

    @Test
    void anotherTopicPartitionOrPartitionCountIsAContinuityBreakAndPasses() {
        tracker.reset(ROOM, at(100));
        assertTrue(tracker.accept(ROOM, new Position(new UUID(9, 9), 3, 8, 0).encode()), "topic recreated");
        tracker.reset(ROOM, at(100));
        assertTrue(tracker.accept(ROOM, new Position(TOPIC, 3, 16, 0).encode()), "repartitioned");
        tracker.reset(ROOM, at(100));
        assertTrue(tracker.accept(ROOM, new Position(TOPIC, 4, 8, 0).encode()), "another partition");
    }

    @Test
    void theStartPositionBeforeTheFirstRecordLetsOffsetZeroThrough() {
        tracker.reset(ROOM, at(-1));
        assertTrue(tracker.accept(ROOM, at(0)));
    }

    @Test
    void positionsThisSdkCannotReadAreComparedByTextOnly() {
        tracker.reset(ROOM, "v2:opaque-17");
        assertFalse(tracker.accept(ROOM, "v2:opaque-17"));
        assertTrue(tracker.accept(ROOM, "v2:opaque-18"));
        assertTrue(tracker.accept(ROOM, at(1)), "nothing to compare a readable position with");
    }
}
