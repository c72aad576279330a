package io.chorus.gateway.session;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One timer per event loop for the heartbeats of all its sessions, instead of one periodic timer per
 * connection (a timer costs a few hundred bytes of heap per connection and one scheduled task each).
 * Sessions are spread over {@link #SLOTS} slots and the timer ticks {@code SLOTS} times per period,
 * each tick beating one slot: every session still beats once per period, and a loop with many
 * connections sends its pings in small groups rather than all at once. Touched only on its event loop.
 */
final class Heartbeats {

    /**
     * Enough slots that one tick's pings are a short task (10,000 connections on a loop: about 160 per
     * tick), so deliveries queued behind a tick wait little.
     */
    static final int SLOTS = 64;
    private static final String KEY = Heartbeats.class.getName();

    private final List<Set<Session>> slots = new ArrayList<>(SLOTS);
    private int next;
    private int tick;

    private Heartbeats(Vertx vertx, long periodMs) {
        for (int i = 0; i < SLOTS; i++) {
            slots.add(new HashSet<>());
        }
        vertx.setPeriodic(Math.max(1, periodMs / SLOTS), t -> beat());
    }

    /** The event loop's heartbeats; the first call on a loop starts its timer. Call on that loop. */
    static Heartbeats on(Context context, Vertx vertx, long periodMs) {
        Heartbeats h = context.get(KEY);
        if (h == null) {
            h = new Heartbeats(vertx, periodMs);
            context.put(KEY, h);
        }
        return h;
    }

    void add(Session s) {
        slots.get(next).add(s);
        s.heartbeatSlot = next;
        next = (next + 1) % SLOTS;
    }

    void remove(Session s) {
        slots.get(s.heartbeatSlot).remove(s);
    }

    private void beat() {
        Set<Session> slot = slots.get(tick);
        tick = (tick + 1) % SLOTS;
        if (slot.isEmpty()) {
            return;
        }
        // A heartbeat may close its session, which removes it from the slot: iterate over a copy.
        for (Session s : slot.toArray(new Session[0])) {
            s.heartbeat();
        }
    }
}
