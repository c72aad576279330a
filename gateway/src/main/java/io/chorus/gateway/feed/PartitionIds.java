package io.chorus.gateway.feed;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * One partition's part of the {@link IdIndex}: the ids of its last {@code records} offsets, the
 * repeats found, how far the live reader has read, and publishes waiting for a decision. The live
 * reader writes it; publishers and readers query it. Every method holds the object's lock, and only
 * for in-memory work.
 */
final class PartitionIds {

    /**
     * The latest record of an id, repeat or not (the rule looks only at the window before a record,
     * so that a reader that pre-read the window decides exactly), and the delivered record its run
     * of repeats started with.
     */
    private static final class Seen {
        final IdKey key;
        final long offset;
        final long timestamp;
        final long head;

        Seen(IdKey key, long offset, long timestamp, long head) {
            this.key = key;
            this.offset = offset;
            this.timestamp = timestamp;
            this.head = head;
        }
    }

    private final long windowMs;
    private final int records;
    private final Map<IdKey, Seen> latest = new HashMap<>();
    private final ArrayDeque<Seen> byOffset = new ArrayDeque<>();
    /** Offsets found to be repeats, bounded by {@code records}; catch-up and history drop them too. */
    private final TreeSet<Long> repeats = new TreeSet<>();
    /** Repeats below this offset may have been trimmed from {@link #repeats}. */
    private long repeatsFrom;
    private final TreeMap<Long, List<CompletableFuture<Long>>> waiting = new TreeMap<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** Where live delivery starts: records before it are read only to fill the index. */
    private final long liveFrom;
    /** From here on every decision is the log's (before, a record's window may not have been read). */
    private long exactFrom;
    private long next;

    PartitionIds(long windowMs, int records, long preReadFrom, long liveFrom) {
        this.windowMs = windowMs;
        this.records = records;
        this.liveFrom = liveFrom;
        this.next = preReadFrom;
        this.exactFrom = preReadFrom == 0 ? 0 : liveFrom;
        if (preReadFrom >= liveFrom) {
            ready.complete(null);
        }
    }

    long liveFrom() {
        return liveFrom;
    }

    CompletableFuture<Void> ready() {
        return ready;
    }

    synchronized boolean preReading() {
        return !ready.isDone();
    }

    /**
     * Applies the rule to one record in partition order; true when it is a repeat. {@code key} is null
     * for a record without a usable id, which is never a repeat and is not remembered.
     */
    synchronized boolean observe(IdKey key, long offset, long timestamp) {
        while (!byOffset.isEmpty() && byOffset.peekFirst().offset < offset - records) {
            Seen old = byOffset.pollFirst();
            latest.remove(old.key, old);
        }
        boolean repeat = false;
        long decided = offset;
        if (key != null) {
            Seen previous = latest.get(key);
            repeat = previous != null && timestamp - previous.timestamp <= windowMs;
            long head = repeat ? previous.head : offset;
            // A head before exactFrom may itself repeat a record this pod never read: unknown.
            decided = head >= exactFrom ? head : -1;
            if (repeat) {
                repeats.add(offset);
                if (repeats.size() > records) {
                    repeatsFrom = repeats.pollFirst() + 1;
                }
            }
            Seen s = new Seen(key, offset, timestamp, head);
            latest.put(key, s);
            byOffset.addLast(s);
        }
        // Within a batch too: a publish asking about this offset from now on is answered at once.
        next = Math.max(next, offset + 1);
        List<CompletableFuture<Long>> w = waiting.remove(offset);
        if (w != null) {
            for (CompletableFuture<Long> f : w) {
                f.complete(decided);
            }
        }
        return repeat;
    }

    /** The log starts at {@code first} (retention removed the pre-read's start): all is known from it. */
    synchronized void logStartsAt(long first) {
        exactFrom = Math.min(exactFrom, first);
        passed(first);
    }

    /** The reader's position moved to {@code position}; publishes waiting below it that were not seen get -1. */
    synchronized void passed(long position) {
        next = Math.max(next, position);
        while (!waiting.isEmpty() && waiting.firstKey() < next) {
            waiting.pollFirstEntry().getValue().forEach(f -> f.complete(-1L));
        }
        if (next >= liveFrom) {
            ready.complete(null);
        }
    }

    /**
     * The offset of the delivered record a new record of this id written now would repeat, or -1.
     * Approximate by design (the new record's offset and timestamp are not known yet): a hit means a
     * delivered record of the id exists, so answering with it writes nothing wrong.
     */
    synchronized long lookup(IdKey key, long nowMs) {
        Seen s = latest.get(key);
        if (s == null || nowMs - s.timestamp > windowMs || next - s.offset > records || s.head < exactFrom) {
            return -1;
        }
        return s.head;
    }

    /**
     * What the reader decided about the record at {@code offset} (this pod's write of {@code key}):
     * its own offset when it is the first, the first record's offset when it is a repeat, -1 when the
     * reader cannot tell. Completes once the reader has passed the offset.
     */
    synchronized CompletableFuture<Long> decision(IdKey key, long offset) {
        if (offset >= next) {
            CompletableFuture<Long> f = new CompletableFuture<>();
            waiting.computeIfAbsent(offset, o -> new ArrayList<>(1)).add(f);
            return f;
        }
        // Passed already: the run the record belongs to is still on the index if it is recent.
        Seen s = latest.get(key);
        boolean same = s != null && (s.offset == offset || s.head == offset
                || (repeats.contains(offset) && s.head < offset));
        return CompletableFuture.completedFuture(same && s.head >= exactFrom ? s.head : -1L);
    }

    synchronized boolean isRepeat(long offset) {
        return repeats.contains(offset);
    }

    /**
     * From here up to {@link #next()}, {@link #isRepeat} gives the log's decision for every offset:
     * the reader saw the window before each of them, and no repeat of the range was trimmed.
     */
    synchronized long knownFrom() {
        return Math.max(exactFrom, repeatsFrom);
    }

    /** The live reader's position: every offset below it has been decided. */
    synchronized long next() {
        return next;
    }

    /**
     * Completes once the reader has passed {@code offset} or stopped reading the partition (check
     * {@link #next()} again): a read of the past that ends just beyond the reader waits for it briefly
     * rather than pre-reading a whole window of its own.
     */
    synchronized CompletableFuture<Long> whenRead(long offset) {
        if (offset < next) {
            return CompletableFuture.completedFuture(offset);
        }
        CompletableFuture<Long> f = new CompletableFuture<>();
        waiting.computeIfAbsent(offset, o -> new ArrayList<>(1)).add(f);
        return f;
    }

    synchronized int size() {
        return latest.size();
    }

    /** The partition is no longer read: nobody waits for it any more. */
    synchronized void close() {
        waiting.values().forEach(w -> w.forEach(f -> f.complete(-1L)));
        waiting.clear();
        ready.completeExceptionally(new io.chorus.schema.ChorusException(io.chorus.schema.ErrorCode.KAFKA_UNAVAILABLE,
                "the topic changed while its partition was being read"));
    }
}
