package io.chorus.gateway.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link LocalPresence}: what tells the presence reader to wake up, and what it writes then. */
class LocalPresenceTest {

    private final LocalPresence local = new LocalPresence("p1", 30_000, 10, 10);

    @Test
    void onlyTheFirstSubscriberChangeSinceAFlushWakesTheReader() {
        assertFalse(local.pending());
        assertTrue(local.subscribers("room:1", 1), "the first change: the reader may be waiting seconds");
        assertFalse(local.subscribers("room:1", 1), "already pending: the reader is awake or due");
        assertFalse(local.subscribers("room:2", 1), "another channel, still pending");
        assertTrue(local.pending());
        assertEquals(2, local.flush(0, 250).size());
        assertFalse(local.pending());
        assertTrue(local.subscribers("room:1", -1), "the first change after the flush wakes it again");
        assertEquals(0, local.flush(100, 250).size(), "written 100 ms ago: held back by the flush interval");
        assertTrue(local.pending(), "held back, so the reader must come back for it");
        assertEquals(1, local.flush(250, 250).size());
        assertFalse(local.pending());
    }

    @Test
    void aChangeToAChannelNotTrackedWakesNothing() {
        assertFalse(local.subscribers("room:1", -1), "an unsubscribe from a channel never counted");
        assertFalse(local.pending());
    }
}
