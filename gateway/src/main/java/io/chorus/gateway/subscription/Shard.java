package io.chorus.gateway.subscription;

import io.chorus.gateway.feed.FeedMessage;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.vertx.core.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The subscribers of one event loop, by channel. The live reader's batches of one poll arrive here as
 * one task, and each message's one encoded frame is written to every local subscriber of its channel.
 * Touched only on its event loop, so it needs no lock.
 *
 * <p><b>Subscriber by subscriber.</b> A channel's messages in the task are written to one subscriber
 * after another (all of them to the first, then all to the next), so each socket is complete for
 * the task as soon as its turn is over. A large fan-out (over {@link #PART} subscribers on this loop)
 * then flushes every {@code PART} subscribers, so the first sockets do not wait for the whole pass,
 * and still each socket is flushed once per task. It does so only when no other hand-off is queued
 * behind this one: when the loop is behind, the queued batches share the one flush at the end.
 *
 * <p>Delivery latency is recorded once per message per event loop, when its fan-out here is done
 * (the time its last local subscriber's frame was written), not once per delivery: the timer was a
 * measurable share of the fan-out's CPU.
 */
public final class Shard {

    private final Context context;
    private final GatewayMetrics metrics;
    private final Clock clock;
    /** Subscribers per flushed part of a large fan-out. */
    static final int PART = 512;

    private final Map<String, List<Subscription>> byChannel = new HashMap<>();
    /** Hand-offs queued to this loop and not yet run (the reader's thread adds, the loop takes). */
    final AtomicInteger queued = new AtomicInteger();
    /** Whether each message of the group being delivered reached anyone; reused. */
    private boolean[] reached = new boolean[16];
    private Runnable flush = () -> { };
    private Runnable flushPart = () -> { };

    public Shard(Context context, GatewayMetrics metrics, Clock clock) {
        this.context = context;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Context context() {
        return context;
    }

    /**
     * What to run after a task wrote a large batch (a catch-up step, a cache drain): the transport
     * flushes what the batch wrote, once per socket, instead of leaving it until its own flush task
     * (behind every task queued meanwhile); and {@code flushPart}, after each part of a large live
     * fan-out (which may hold writes back when the operator asked for a write delay). Set once, by
     * whoever owns the event loop's flusher.
     */
    public void flushWith(Runnable flush, Runnable flushPart) {
        this.flush = flush;
        this.flushPart = flushPart;
    }

    /** The current task wrote a batch: let it leave now. */
    void flush() {
        flush.run();
    }

    void add(Subscription s) {
        byChannel.computeIfAbsent(s.channel.value(), k -> new ArrayList<>(2)).add(s);
    }

    void remove(Subscription s) {
        List<Subscription> list = byChannel.get(s.channel.value());
        if (list != null) {
            list.remove(s);
            if (list.isEmpty()) {
                byChannel.remove(s.channel.value());
            }
        }
    }

    /** The reader hands this loop a poll's batches: counted, so a running task knows what is behind it. */
    void handOff(List<List<FeedMessage>> batches) {
        queued.incrementAndGet();
        context.runOnContext(v -> {
            queued.decrementAndGet();
            deliver(batches);
        });
    }

    void deliver(List<List<FeedMessage>> batches) {
        // A channel's records are all in one partition, so all its messages of a poll are in one
        // batch, in order.
        for (int b = 0; b < batches.size(); b++) {
            List<FeedMessage> batch = batches.get(b);
            if (oneChannel(batch)) {
                List<Subscription> subs = byChannel.get(batch.get(0).channel());
                if (subs != null) {
                    deliver(subs, batch);
                }
                continue;
            }
            Map<String, List<FeedMessage>> byCh = new LinkedHashMap<>();
            for (int j = 0; j < batch.size(); j++) {
                FeedMessage m = batch.get(j);
                if (byChannel.containsKey(m.channel())) {
                    byCh.computeIfAbsent(m.channel(), k -> new ArrayList<>()).add(m);
                }
            }
            for (Map.Entry<String, List<FeedMessage>> e : byCh.entrySet()) {
                deliver(byChannel.get(e.getKey()), e.getValue());
            }
        }
        // Apart from the part flushes of a large fan-out, no flush here: the flush task, queued behind
        // this task, flushes each socket once, and when the loop is behind it also covers the batches
        // queued before it (measured: flushing at the end of every task cost about 20 % more CPU per
        // delivery near saturation).
    }

    private static boolean oneChannel(List<FeedMessage> batch) {
        String first = batch.get(0).channel();
        for (int j = 1; j < batch.size(); j++) {
            if (!first.equals(batch.get(j).channel())) {
                return false;
            }
        }
        return true;
    }

    private void deliver(List<Subscription> subs, List<FeedMessage> messages) {
        int n = messages.size();
        if (reached.length < n) {
            reached = new boolean[Math.max(n, 2 * reached.length)];
        }
        Arrays.fill(reached, 0, n, false);
        boolean parts = subs.size() > PART;
        for (int i = 0; i < subs.size(); i++) {
            Subscription s = subs.get(i);
            for (int j = 0; j < n; j++) {
                reached[j] |= s.offerLive(messages.get(j));
            }
            if (parts && (i + 1) % PART == 0 && queued.get() == 0) {
                flushPart.run();
            }
        }
        long now = clock.millis();
        for (int j = 0; j < n; j++) {
            if (reached[j]) {
                metrics.deliveryLatency(messages.get(j).timestamp(), now);
            }
        }
    }
}
