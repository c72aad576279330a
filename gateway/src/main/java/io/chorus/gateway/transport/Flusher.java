package io.chorus.gateway.transport;

import io.chorus.gateway.metrics.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.List;

/**
 * Coalesces writes on one event loop, for every transport that streams (WebSocket and SSE): a socket
 * written to is flushed once per batch, not once per frame, so a live batch that fans out k messages
 * to a socket costs one {@code write} system call for it instead of k.
 *
 * <p>The first write after a flush queues a flush task behind the current task: it is queued from
 * the event loop itself, so it does not wake the selector, and it runs before the loop next waits for
 * I/O. When the loop is behind, the live batches queued before it share that one flush. Large batches
 * (a catch-up step, a cache drain) call {@link #flushAll} when done, so their frames do not wait
 * behind a long queue; a target flushes by itself once it holds {@link #FLUSH_BYTES} unflushed.
 *
 * <p><b>Write delay.</b> With {@code connection.writeDelay} above zero, the flush waits that long
 * after the first unflushed write instead (a timer on the event loop), so the messages of several
 * polls leave in one system call per socket: CPU per delivery for latency, the trade Centrifugo PRO
 * offers as {@code client.write_delay}. Counted in {@code chorus_batched_flushes}. Touched only on its
 * event loop.
 */
public final class Flusher {

    /** A socket that writes without flushing and is flushed here. */
    public interface Target {
        /** Flushes what was written since the last flush. */
        void flushNow();
    }

    /** A target holding this much unflushed flushes at once: coalescing never costs outbound budget. */
    public static final int FLUSH_BYTES = 32 * 1024;

    private final ContextInternal context;
    private final long delayMs;
    private final GatewayMetrics metrics;
    private final List<Target> dirty = new ArrayList<>();
    private final Handler<Void> pending = v -> run();
    private final Handler<Long> timer = id -> run();
    private boolean scheduled;

    /** {@code delayMs} 0 flushes at the end of the current batch; more holds writes that long. */
    public Flusher(Context context, long delayMs, GatewayMetrics metrics) {
        this.context = (ContextInternal) context;
        this.delayMs = delayMs;
        this.metrics = metrics;
    }

    /** The target wrote without flushing: it is flushed with this round. Call once per round. */
    public void dirty(Target target) {
        dirty.add(target);
        if (!scheduled) {
            scheduled = true;
            if (delayMs > 0) {
                context.setTimer(delayMs, timer);
            } else {
                context.runOnContext(pending);
            }
        }
    }

    private void run() {
        scheduled = false;
        flushAll();
    }

    /**
     * A long fan-out finished a part: its sockets leave now, unless writes are being held
     * ({@code writeDelay}), in which case they wait for the timer like the rest.
     */
    public void flushPart() {
        if (delayMs == 0) {
            flushAll();
        }
    }

    /** Flushes every target written to since the last flush. */
    public void flushAll() {
        // A flush can run listeners that write again (a drain): they join this round.
        if (dirty.isEmpty()) {
            return;
        }
        // Counted before the flush, so whoever has received the bytes finds the flush counted.
        int counted = 0;
        for (int i = 0; i < dirty.size(); i++) {
            if (i == counted) {
                metrics.batchedFlushes(dirty.size() - counted);
                counted = dirty.size();
            }
            dirty.get(i).flushNow();
        }
        dirty.clear();
    }
}
