package io.chorus.gateway.transport.ws;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import java.util.ArrayList;
import java.util.List;

/**
 * Coalesces writes on one event loop: a socket written to during a task is flushed once, by a task
 * queued behind it, instead of once per frame. A live batch that fans out k messages to a socket
 * therefore costs one {@code write} system call for that socket, not k. The flush task is queued from
 * the event loop itself, so it does not wake the selector; it runs before the loop next waits for I/O.
 * Touched only on its event loop.
 */
final class Flusher {

    private final Context context;
    private final List<WebSocketTransport> dirty = new ArrayList<>();
    private final Handler<Void> flushAll = v -> flushAll();

    Flusher(Context context) {
        this.context = context;
    }

    /** The transport wrote without flushing; it is flushed when the current task (and those queued before this call) ends. */
    void dirty(WebSocketTransport transport) {
        if (dirty.isEmpty()) {
            context.runOnContext(flushAll);
        }
        dirty.add(transport);
    }

    private void flushAll() {
        // A flush can run handlers that write again (a drain listener): they land in a fresh round.
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flushNow();
        }
        dirty.clear();
    }
}
