package io.chorus.gateway.admission;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Every open connection, with what it does when the pod drains ("leave": reconnect elsewhere) and
 * how it shows a notice to its client (for example "the stream is stalled"). Both run on the
 * connection's event loop.
 */
public final class Connections {

    private record Entry(Context context, Runnable leave, Consumer<Buffer> notice) {
    }

    private final Map<Object, Entry> entries = new ConcurrentHashMap<>();
    private boolean draining;
    /** The last notice broadcast while it still describes the present (stalled), else null. */
    private Buffer standing;

    /**
     * Registers a connection. When the pod already drains, {@code leave} runs at once: a connection
     * admitted just before the drain began must not be missed. Returns the standing notice (or null),
     * which the caller shows its client itself: registering and reading it under one lock means a
     * connection hears every transition either here or through {@link #broadcast}, never neither.
     */
    public synchronized Buffer add(Object connection, Context context, Runnable leave, Consumer<Buffer> notice) {
        Entry e = new Entry(context, leave, notice);
        if (draining) {
            context.runOnContext(v -> leave.run());
        } else {
            entries.put(connection, e);
        }
        return standing;
    }

    public void remove(Object connection) {
        entries.remove(connection);
    }

    public int size() {
        return entries.size();
    }

    /** Asks every registered connection, and every one registered from now on, to leave. */
    public synchronized void drainAll() {
        draining = true;
        entries.values().forEach(e -> e.context.runOnContext(v -> e.leave.run()));
    }

    /**
     * Shows a notice frame to every connection's client; a {@code standing} one is also returned to
     * every connection registered until the next broadcast.
     */
    public synchronized void broadcast(Buffer frame, boolean standing) {
        this.standing = standing ? frame : null;
        entries.values().forEach(e -> e.context.runOnContext(v -> e.notice.accept(frame)));
    }
}
