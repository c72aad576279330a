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

    /**
     * Registers a connection. When the pod already drains, {@code leave} runs at once: a connection
     * admitted just before the drain began must not be missed.
     */
    public synchronized void add(Object connection, Context context, Runnable leave, Consumer<Buffer> notice) {
        Entry e = new Entry(context, leave, notice);
        if (draining) {
            context.runOnContext(v -> leave.run());
        } else {
            entries.put(connection, e);
        }
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

    /** Shows a notice frame to every connection's client. */
    public void broadcast(Buffer frame) {
        entries.values().forEach(e -> e.context.runOnContext(v -> e.notice.accept(frame)));
    }
}
