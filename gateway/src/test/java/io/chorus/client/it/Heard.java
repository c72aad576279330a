package io.chorus.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.client.Occupancy;
import io.chorus.client.OccupancyListener;
import io.chorus.client.PresenceEvent;
import io.chorus.client.PresenceListener;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Presence events (and, separately, counts) one client heard, in order; expected one by one. */
final class Heard implements PresenceListener, OccupancyListener {

    final BlockingQueue<PresenceEvent> events = new LinkedBlockingQueue<>();
    final BlockingQueue<Occupancy> counts = new LinkedBlockingQueue<>();

    @Override
    public void onPresence(PresenceEvent event) {
        events.add(event);
    }

    @Override
    public void onMemberListUnavailable(String channel, long count) {
        events.add(new PresenceEvent(channel, null, null)); // never expected in these tests: fails them
    }

    @Override
    public void onOccupancy(Occupancy occupancy) {
        counts.add(occupancy);
    }

    PresenceEvent expect(PresenceEvent.Action action, String clientId) throws InterruptedException {
        PresenceEvent e = events.poll(Received.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(e, "no " + action + " of " + clientId);
        assertEquals(action, e.action(), "unexpected " + e);
        assertEquals(clientId, e.member().clientId(), "unexpected " + e);
        return e;
    }

    /** The client id of the next event, which must be {@code action}. */
    String next(PresenceEvent.Action action) throws InterruptedException {
        PresenceEvent e = events.poll(Received.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(e, "no " + action);
        assertEquals(action, e.action(), "unexpected " + e);
        return e.member().clientId();
    }

    /** Waits for counts equal to {@code expected}, skipping earlier ones (intermediate counts may be skipped too). */
    Occupancy awaitCounts(long subscribers, long members) throws InterruptedException {
        long deadline = System.nanoTime() + Received.WAIT.toNanos();
        Occupancy last = null;
        while (System.nanoTime() < deadline) {
            Occupancy o = counts.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (o != null && o.subscribers() == subscribers && o.members() == members) {
                return o;
            }
            last = o != null ? o : last;
        }
        throw new AssertionError("no occupancy " + subscribers + "/" + members + "; last " + last);
    }

    void assertNoEvents() {
        assertTrue(events.isEmpty(), "unexpected presence events " + events);
    }

}
