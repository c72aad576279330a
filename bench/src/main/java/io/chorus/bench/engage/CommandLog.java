package io.chorus.bench.engage;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every command a run sends, by index (the publish's {@code ref}): who sent it, when, and what the
 * gateway answered (the ack's Kafka offset, or the error code). Fixed capacity, set before the run: a
 * run that would send more stops sending instead of growing. Event loops write an entry and then bump
 * {@link #answered}; the coordinating thread reads entries after reading that counter.
 */
public final class CommandLog {

    private final long[] sent;
    private final long[] answeredAt;
    private final long[] offset;
    private final int[] participant;
    private final int[] value;
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final Map<String, LongAdder> errorCodes = new ConcurrentHashMap<>();

    public CommandLog(int capacity) {
        sent = new long[capacity];
        answeredAt = new long[capacity];
        offset = new long[capacity];
        participant = new int[capacity];
        value = new int[capacity];
        java.util.Arrays.fill(offset, -1);
    }

    public int capacity() {
        return sent.length;
    }

    /** Reserves the next index for a command of {@code who} carrying {@code v}; -1 when full. */
    public int reserve(int who, int v) {
        long i = next.getAndIncrement();
        if (i >= sent.length) {
            next.decrementAndGet();
            return -1;
        }
        participant[(int) i] = who;
        value[(int) i] = v;
        return (int) i;
    }

    public void sent(int i, long rel) {
        sent[i] = rel;
    }

    public void acked(int i, long rel, long kafkaOffset) {
        answeredAt[i] = rel;
        offset[i] = kafkaOffset;
        acked.incrementAndGet();
        answered.incrementAndGet();
    }

    public void failed(int i, long rel, String code) {
        answeredAt[i] = rel;
        if (errorCodes.size() < 64 || errorCodes.containsKey(code)) {
            errorCodes.computeIfAbsent(code, k -> new LongAdder()).increment();
        }
        errors.incrementAndGet();
        answered.incrementAndGet();
    }

    public long reserved() {
        return next.get();
    }

    public long answered() {
        return answered.get();
    }

    public long ackedCount() {
        return acked.get();
    }

    public long errorCount() {
        return errors.get();
    }

    public Map<String, Long> errorCodes() {
        Map<String, Long> m = new TreeMap<>();
        errorCodes.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    public long sentAt(int i) {
        return sent[i];
    }

    public long answeredAt(int i) {
        return answeredAt[i];
    }

    /** The Kafka offset of an acknowledged command, -1 otherwise. */
    public long offset(int i) {
        return offset[i];
    }

    public int participant(int i) {
        return participant[i];
    }

    public int value(int i) {
        return value[i];
    }

    /** The offset in a position ({@code topicid.partition.count.offset}, PROTOCOL.md), or -1. */
    public static long offsetOf(String position) {
        if (position == null) {
            return -1;
        }
        int dot = position.lastIndexOf('.');
        try {
            return Long.parseLong(position.substring(dot + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
