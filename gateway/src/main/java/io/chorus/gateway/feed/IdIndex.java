package io.chorus.gateway.feed;

import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.chorus.schema.RecordConvention;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The pod's index of recent message ids, fed by the live reader, and the one place that applies the
 * dedup rule: in a partition, a record with a {@code chorus-id} is a repeat when an earlier record
 * (repeat or not) of the same key and id lies at most {@code records} offsets and {@code windowMs} of
 * record time before it. The rule reads only the log, so every pod decides the
 * same; a partition first read at its end {@code E} is pre-read from {@code E - records} so that the
 * index knows the window before it decides anything (gateway/README.md, "Publishing").
 */
public final class IdIndex {

    private final long windowMs;
    private final int records;
    private final Map<TopicPartition, PartitionIds> partitions = new ConcurrentHashMap<>();

    public IdIndex(long windowMs, int records) {
        this.windowMs = windowMs;
        this.records = records;
    }

    long windowMs() {
        return windowMs;
    }

    int records() {
        return records;
    }

    // --- the live reader, on its thread ---

    /**
     * The live reader starts reading {@code tp} for delivery at {@code end}: answers where it must
     * start reading instead, so that the window before {@code end} is indexed first.
     */
    long start(TopicPartition tp, long end) {
        long from = Math.max(0, end - records);
        PartitionIds old = partitions.put(tp, new PartitionIds(windowMs, records, from, end));
        if (old != null) {
            old.close();
        }
        return from;
    }

    /** The reader fell out of retention and restarts at the partition's first record: nothing is before it. */
    void restart(TopicPartition tp, long first) {
        PartitionIds old = partitions.put(tp, new PartitionIds(windowMs, records, first, first));
        if (old != null) {
            old.close();
        }
    }

    /** The pre-read had to start later (retention removed the start): from {@code from} on. */
    void preReadFrom(TopicPartition tp, long from) {
        PartitionIds p = partitions.get(tp);
        if (p != null) {
            p.logStartsAt(from);
        }
    }

    boolean preReading(TopicPartition tp) {
        PartitionIds p = partitions.get(tp);
        return p != null && p.preReading();
    }

    /** Where delivery of {@code tp} starts; records before it are index-only. -1 when not read. */
    long liveFrom(TopicPartition tp) {
        PartitionIds p = partitions.get(tp);
        return p == null ? -1 : p.liveFrom();
    }

    /**
     * Feeds one partition's batch, in order. The answer marks the records not to deliver: those read
     * before live delivery starts and the repeats. {@code position}: the reader's position after it.
     */
    BitSet observe(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> batch, long position) {
        BitSet skip = new BitSet(batch.size());
        PartitionIds p = partitions.get(tp);
        if (p == null) {
            return skip;
        }
        long liveFrom = p.liveFrom();
        for (int i = 0; i < batch.size(); i++) {
            ConsumerRecord<byte[], byte[]> r = batch.get(i);
            if (p.observe(key(r), r.offset(), r.timestamp()) || r.offset() < liveFrom) {
                skip.set(i);
            }
        }
        p.passed(position);
        return skip;
    }

    /** The reader moved without records (transaction markers, an empty range). */
    void passed(TopicPartition tp, long position) {
        PartitionIds p = partitions.get(tp);
        if (p != null) {
            p.passed(position);
        }
    }

    void forget(TopicPartition tp) {
        PartitionIds p = partitions.remove(tp);
        if (p != null) {
            p.close();
        }
    }

    /** The records' id keys: the same header rule as the message's id ({@link MessageEncoder}). */
    static IdKey key(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null || r.key().length == 0) {
            return null;
        }
        String id = MessageEncoder.header(r.headers(), RecordConvention.HEADER_ID);
        return id == null ? null : IdKey.of(r.key(), id);
    }

    // --- publishers ---

    /** Completes when the index of {@code tp} holds the window (the live reader must read it). */
    public CompletableFuture<Void> ready(TopicPartition tp) {
        PartitionIds p = partitions.get(tp);
        return p != null ? p.ready() : CompletableFuture.failedFuture(
                new ChorusException(ErrorCode.KAFKA_UNAVAILABLE, "the partition is not read yet"));
    }

    /** The offset of the delivered record that a record of this id written now would repeat, or -1. */
    public long lookup(TopicPartition tp, IdKey key, long nowMs) {
        PartitionIds p = partitions.get(tp);
        return p == null ? -1 : p.lookup(key, nowMs);
    }

    /**
     * Once the reader has passed {@code offset}: the offset of the message delivered for this id (the
     * record's own when it was the first), or -1 when the reader could not tell.
     */
    public CompletableFuture<Long> decision(TopicPartition tp, IdKey key, long offset) {
        PartitionIds p = partitions.get(tp);
        return p == null ? CompletableFuture.completedFuture(-1L) : p.decision(key, offset);
    }

    // --- readers of the past (PartitionScanner) ---

    PartitionIds partition(TopicPartition tp) {
        return partitions.get(tp);
    }

    /** Ids held, pod-wide (a gauge). */
    public int size() {
        int n = 0;
        for (PartitionIds p : partitions.values()) {
            n += p.size();
        }
        return n;
    }
}
