package io.chorus.gateway.subscription;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.chorus.gateway.feed.FeedMessage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Conflation for state-like channels: instead of every intermediate message, a subscriber gets the
 * latest one per channel (or per value of a key field of the data) at most once per interval, or,
 * when it fell behind, once it can take more. Held state is bounded: one message per key, at most
 * {@code maxKeys} keys (the least recently updated key is flushed out first, never dropped).
 * Messages that replaced an undelivered one are marked {@code "conflated":true}.
 */
final class Conflator {

    private static final JsonFactory JSON = new JsonFactory();

    /** Runs a task later on the subscription's event loop. */
    interface Scheduler {
        void schedule(long delayMs, Runnable task);
    }

    private final String keyField;
    private final long intervalMs;
    private final int maxKeys;
    private final LongSupplier clock;
    private final Scheduler scheduler;
    private final LinkedHashMap<String, FeedMessage> pending = new LinkedHashMap<>(16, 0.75f, true);
    private boolean replaced;
    private boolean flushScheduled;
    private long lastFlush = Long.MIN_VALUE / 2;

    Conflator(String keyField, double maxRate, int maxKeys, LongSupplier clock, Scheduler scheduler) {
        this.keyField = keyField;
        this.intervalMs = maxRate > 0 ? (long) Math.ceil(1000.0 / maxRate) : 0;
        this.maxKeys = maxKeys;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    /** True when this subscription limits its rate (else it conflates only while behind). */
    boolean rateLimited() {
        return intervalMs > 0;
    }

    /**
     * Keeps the message as its key's latest. Returns messages that must go out now (a key evicted
     * past {@code maxKeys}); the rest waits for {@link #drain}.
     */
    List<FeedMessage> offer(FeedMessage m) {
        FeedMessage old = pending.put(key(m), m);
        replaced |= old != null;
        List<FeedMessage> now = List.of();
        if (pending.size() > maxKeys) {
            var eldest = pending.entrySet().iterator();
            FeedMessage out = eldest.next().getValue();
            eldest.remove();
            now = List.of(out);
        }
        return now;
    }

    /** Milliseconds until the next flush is due (0 = now). */
    long dueIn() {
        return Math.max(0, lastFlush + intervalMs - clock.getAsLong());
    }

    /** Schedules {@code flush} for when it is due, once. */
    void scheduleFlush(Runnable flush) {
        if (!flushScheduled) {
            flushScheduled = true;
            scheduler.schedule(Math.max(1, dueIn()), () -> {
                flushScheduled = false;
                flush.run();
            });
        }
    }

    /** Takes what is pending, oldest offset first, marking messages that replaced others. */
    List<FeedMessage> drain() {
        List<FeedMessage> out = new ArrayList<>(pending.values());
        out.sort(Comparator.comparingLong(FeedMessage::offset));
        boolean mark = replaced;
        pending.clear();
        replaced = false;
        lastFlush = clock.getAsLong();
        if (mark) {
            out.replaceAll(Conflator::marked);
        }
        return out;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    private String key(FeedMessage m) {
        return keyField == null ? "" : keyOf(m.frame(), keyField);
    }

    /** The value of {@code data.<field>} in a message frame, as text; "" when absent. */
    static String keyOf(Buffer frame, String field) {
        try (JsonParser p = JSON.createParser(frame.getBytes())) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!"data".equals(name)) {
                    p.skipChildren();
                    continue;
                }
                if (t != JsonToken.START_OBJECT) {
                    return "";
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    JsonToken v = p.nextToken();
                    if (f.equals(field) && v.isScalarValue()) {
                        return p.getText();
                    }
                    p.skipChildren();
                }
                return "";
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    /** The same message with {@code "conflated":true} added (a copy; conflated paths are low-rate). */
    static FeedMessage marked(FeedMessage m) {
        Buffer f = m.frame();
        Buffer out = Buffer.buffer(f.length() + 18).appendBuffer(f, 0, f.length() - 1).appendString(",\"conflated\":true}");
        return new FeedMessage(m.channel(), m.partition(), m.offset(), m.position(), m.id(), m.timestamp(), out);
    }
}
