package io.chorus.gateway.transport.ws;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import java.util.ArrayList;
import java.util.List;

/**
 * Coalesces writes on one event loop: a socket written to is flushed once per batch, not once per
 * frame, so a live batch that fans out k messages to a socket costs one {@code write} system call for
 * it instead of k.
 *
 * <p>The first write after a flush queues a flush task behind the current task: it is queued from
 * the event loop itself, so it does not wake the selector, and it runs before the loop next waits for
 * I/O. When the loop is behind, the live batches queued before it share that one flush. Large batches
 * (a catch-up step, a cache drain) call {@link #flushAll} when done, so their frames do not wait
 * behind a long queue, and a socket flushes by itself once it holds
 * {@link WebSocketTransport#FLUSH_BYTES} unflushed. Touched only on its event loop.
 */
final class Flusher {

    private final Context context;
    private final List<WebSocketTransport> dirty = new ArrayList<>();
    private final Handler<Void> pending = v -> {
        this.scheduled = false;
        flushAll();
    };
    private boolean scheduled;

    Flusher(Context context) {
        this.context = context;
    }

    /** The transport wrote without flushing. */
    void dirty(WebSocketTransport transport) {
        dirty.add(transport);
        if (!scheduled) {
            scheduled = true;
            context.runOnContext(pending);
        }
    }

    /** Flushes every socket written to since the last flush. */
    void flushAll() {
        // A flush can run listeners that write again (a drain): they join this round.
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flushNow();
        }
        dirty.clear();
    }
}
