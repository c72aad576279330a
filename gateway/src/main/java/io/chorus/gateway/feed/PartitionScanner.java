package io.chorus.gateway.feed;

import io.chorus.gateway.config.CatchupConfig;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * One reader thread's consumer, reading a single partition at a time: forward for any number of its
 * channels' reads at once ({@link #pass}), backward for one channel, or for a message id. Every read is
 * bounded: by the partition's end at the time it started (it never polls past it, so it never waits
 * for records that are not there), by its limit, by {@code maxScanRecords}, and by a deadline when
 * Kafka stops answering.
 */
final class PartitionScanner {

    private static final Duration DEADLINE = Duration.ofSeconds(15);
    /**
     * How long a read that ends just beyond the live reader's position waits for it to get there, so
     * that the live index decides its repeats; past this, the read pre-reads the window itself.
     */
    private static final Duration LIVE_WAIT = Duration.ofSeconds(1);

    private final Consumer<byte[], byte[]> consumer;
    private final CatchupConfig config;
    private final ReadCounters counters;
    private final IdIndex ids;

    PartitionScanner(Consumer<byte[], byte[]> consumer, CatchupConfig config, ReadCounters counters, IdIndex ids) {
        this.consumer = consumer;
        this.config = config;
        this.counters = counters;
        this.ids = ids;
    }

    private record Chunk(List<FeedMessage> messages, long next, long scanned) {
    }

    /** What one forward read of a pass collects. */
    private static final class Want {
        final int index;
        final ScanRequest req;
        final long start;
        final long stop;
        /** The live index when it decides this read's repeats; null: the pass's own rule does. */
        final PartitionIds live;
        /** Where the pass must read from for it: its start, or the window before it for the own rule. */
        long from;
        final List<FeedMessage> out = new ArrayList<>();
        long next = -1;     // set when done: where the read would continue

        Want(int index, ScanRequest req, long start, long stop, PartitionIds live) {
            this.index = index;
            this.req = req;
            this.start = start;
            this.stop = stop;
            this.live = live;
            this.from = start;
        }
    }

    /**
     * One pass over {@code tp} for several forward reads of its channels, each record read once: the
     * pass starts at the lowest offset any read wants, hands each record to the reads of its channel
     * whose range holds it, drops a read once it has its limit or reached its end, and seeks over
     * stretches no open read wants. Every read ends at the partition's end as it was when the pass
     * started, so a pass never waits for records that are not there.
     *
     * <p>Repeats (the dedup rule, {@link IdIndex}) are dropped as the live reader drops them: by the
     * live index where it has decided the read's whole range, else by the pass's own copy of the rule,
     * fed from the window before the reads' start ({@link #windowStart}); one pre-read serves every
     * read of the pass. Records read only for the rule do not count against {@code maxScanRecords}.
     *
     * <p>Returns one result per read, in order; null for a read the pass did not reach before it ran
     * out of {@code maxScanRecords} (the caller keeps it for the next pass, which starts at it).
     */
    List<ScanResult> pass(TopicPartition tp, List<ScanRequest> reads) {
        long[] range = range(tp);
        ScanResult[] results = new ScanResult[reads.size()];
        Map<ByteBuffer, List<Want>> byKey = new HashMap<>();
        List<Want> open = new ArrayList<>();
        long ownStart = Long.MAX_VALUE;
        PartitionIds live = ids.partition(tp);
        long liveStop = -1;
        for (ScanRequest req : reads) {
            if (live != null && Math.max(req.fromOffset(), range[0]) >= live.knownFrom()) {
                liveStop = Math.max(liveStop, Math.min(req.untilOffset(), range[1]));
            }
        }
        live = awaitLive(tp, live, liveStop);
        for (int i = 0; i < reads.size(); i++) {
            ScanRequest req = reads.get(i);
            long start = Math.max(req.fromOffset(), range[0]);
            long stop = Math.min(req.untilOffset(), range[1]);
            if (start >= stop || req.limit() < 1) {
                results[i] = new ScanResult(List.of(), start, range[0], range[1], false, false);
                continue;
            }
            Want w = new Want(i, req, start, stop, decides(live, start, stop));
            if (w.live == null) {
                ownStart = Math.min(ownStart, start);
            }
            open.add(w);
            byKey.computeIfAbsent(ByteBuffer.wrap(ChannelName.parse(req.channel()).keyBytes()), k -> new ArrayList<>())
                    .add(w);
        }
        if (ownStart != Long.MAX_VALUE) {
            long window = windowStart(tp, ownStart, range);
            for (Want w : open) {
                if (w.live == null) {
                    w.from = Math.max(window, Math.max(range[0], w.start - ids.records()));
                }
            }
        }
        long budget = config.maxScanRecords();
        long pos = Long.MIN_VALUE;
        PartitionIds rule = null;
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!open.isEmpty() && budget > 0) {
            long wanted = Long.MAX_VALUE;
            long firstStart = Long.MAX_VALUE;
            long passStop = 0;
            for (Want w : open) {
                wanted = Math.min(wanted, w.from);
                firstStart = Math.min(firstStart, w.start);
                passStop = Math.max(passStop, w.stop);
            }
            if (pos < wanted) {
                consumer.seek(tp, wanted);
                pos = wanted;
                counters.seeks.increment();
                // What the rule knew stops before the skipped stretch: every open read's window starts here.
                rule = new PartitionIds(ids.windowMs(), ids.records(), wanted, wanted);
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(config.pollTimeout());
            if (records.isEmpty()) {
                counters.emptyPolls.increment();
                // Control records of transactions take offsets too; the consumer's position skips them.
                pos = Math.max(pos, Math.min(consumer.position(tp), passStop));
                if (pos < passStop && System.nanoTime() > deadline) {
                    throw new ChorusException(ErrorCode.KAFKA_UNAVAILABLE, "Kafka stopped answering a catch-up read");
                }
            } else {
                deadline = System.nanoTime() + DEADLINE.toNanos();
                long batchEnd = consumer.position(tp);
                boolean atStop = false;
                for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                    if (r.offset() >= passStop) {
                        atStop = true;
                        break;
                    }
                    if (r.offset() >= firstStart) {
                        budget--;
                    } else {
                        counters.windowRecords.increment();
                    }
                    counters.records.increment();
                    pos = r.offset() + 1;
                    List<Want> ws = r.key() == null ? null : byKey.get(ByteBuffer.wrap(r.key()));
                    if (ws != null) {
                        hand(r, ws, rule);
                    }
                }
                pos = atStop ? passStop : Math.max(pos, Math.min(batchEnd, passStop));
            }
            for (Iterator<Want> it = open.iterator(); it.hasNext(); ) {
                Want w = it.next();
                if (w.next < 0 && pos >= w.stop) {
                    w.next = w.stop;
                }
                if (w.next >= 0) {
                    results[w.index] = new ScanResult(w.out, w.next, range[0], range[1], false, false);
                    it.remove();
                }
            }
        }
        for (Want w : open) {
            if (pos > w.start) {
                // Out of budget halfway through this read: it made progress, and says it is incomplete.
                results[w.index] = new ScanResult(w.out, pos, range[0], range[1], false, true);
            }
        }
        return Arrays.asList(results);
    }

    /**
     * Gives a record to every read of its channel that wants it, unless the rule says it is a repeat;
     * it is encoded once for all of them. The pass's rule sees every record of a channel while a read
     * of it that the rule decides is open, so from that read's window on it sees each one.
     */
    private void hand(ConsumerRecord<byte[], byte[]> r, List<Want> ws, PartitionIds rule) {
        boolean ownRepeat = false;
        for (Want w : ws) {
            if (w.live == null && w.next < 0) {
                ownRepeat = rule.observe(IdIndex.key(r), r.offset(), r.timestamp());
                break;
            }
        }
        FeedMessage m = null;
        TopicInfo encodedFor = null;
        boolean dropped = false;
        for (Want w : ws) {
            if (w.next < 0 && w.start <= r.offset() && r.offset() < w.stop) {
                if (w.live != null ? w.live.isRepeat(r.offset()) : ownRepeat) {
                    dropped = true;
                    continue;
                }
                if (m == null || !w.req.topic().equals(encodedFor)) {
                    encodedFor = w.req.topic();
                    m = MessageEncoder.encode(w.req.channel(), encodedFor, r.partition(), r.offset(), r.timestamp(),
                            r.value(), r.headers());
                }
                w.out.add(m);
                if (w.out.size() >= w.req.limit()) {
                    w.next = r.offset() + 1;
                }
            }
        }
        if (dropped) {
            counters.repeats.increment();
        }
    }

    /**
     * The partition's live index {@code live}, once it has read up to {@code stop} (or what it has read by then): a
     * read that ends a little beyond the live reader (history of the newest records) waits up to
     * {@link #LIVE_WAIT} for it rather than pre-reading a window of its own. Null when not read live.
     */
    private PartitionIds awaitLive(TopicPartition tp, PartitionIds live, long stop) {
        if (live == null || live.next() >= stop || stop <= live.knownFrom()) {
            return live;
        }
        try {
            live.whenRead(stop - 1).get(LIVE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // decided below from what it has read
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ids.partition(tp) == live ? live : null;
    }

    /** {@code live} when it has decided every offset of {@code [from, stop)}; null: the read applies the rule itself. */
    private static PartitionIds decides(PartitionIds live, long from, long stop) {
        return live != null && from >= live.knownFrom() && live.next() >= stop ? live : null;
    }

    /**
     * Where a read that decides records from {@code start} on begins, so that the rule sees the window
     * before them: {@code dedupRecords} offsets before it, but not before the records stamped two
     * windows before the record at {@code start} (one window for the rule, one for producers' clocks
     * that disagree; an older record can only matter to a record stamped more than a window before
     * the first one read). Bounded by both, so a pre-read costs what the window holds.
     */
    private long windowStart(TopicPartition tp, long start, long[] range) {
        long byRecords = Math.max(range[0], start - ids.records());
        if (byRecords >= start) {
            return start;
        }
        Long stamp = timestampAt(tp, start, range[1]);
        if (stamp == null) {
            return byRecords;
        }
        long since = Math.max(0, stamp - 2 * ids.windowMs());
        OffsetAndTimestamp at = consumer.offsetsForTimes(Map.of(tp, since), DEADLINE).get(tp);
        return at == null ? byRecords : Math.max(byRecords, Math.min(at.offset(), start));
    }

    /** The timestamp of the first record at or after {@code offset}, or null when there is none before {@code end}. */
    private Long timestampAt(TopicPartition tp, long offset, long end) {
        consumer.seek(tp, offset);
        counters.seeks.increment();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            List<ConsumerRecord<byte[], byte[]>> records = consumer.poll(config.pollTimeout()).records(tp);
            if (!records.isEmpty()) {
                ConsumerRecord<byte[], byte[]> first = records.get(0);
                return first.offset() < end ? first.timestamp() : null;
            }
            if (consumer.position(tp) >= end) {
                return null;
            }
            if (System.nanoTime() > deadline) {
                throw new ChorusException(ErrorCode.KAFKA_UNAVAILABLE, "Kafka stopped answering a catch-up read");
            }
        }
    }

    /**
     * The channel's newest {@code limit} messages before {@code untilOffset}, read in chunks that double
     * going back. Repeats are dropped before they are counted (so a rewind of N gets N messages), by the
     * live index where it decided the chunk, else by the rule fed from the window before the chunk.
     */
    ScanResult backward(ScanRequest req) {
        TopicPartition tp = req.topicPartition();
        long[] range = range(tp);
        long hi = Math.min(req.untilOffset(), range[1]);
        PartitionIds live = awaitLive(tp, ids.partition(tp), hi);
        long window = Math.max(256L, req.limit() * 4L);
        long budget = config.maxScanRecords();
        ArrayDeque<List<FeedMessage>> chunks = new ArrayDeque<>();
        int found = 0;
        long lo = hi;
        while (found < req.limit() && lo > range[0] && budget > 0) {
            lo = Math.max(range[0], hi - window);
            PartitionIds decided = decides(live, lo, hi);
            long from = decided != null ? lo : windowStart(tp, lo, range);
            Chunk c = scan(req, tp, new long[] {from, lo, hi}, decided, budget);
            budget -= c.scanned;
            chunks.addFirst(c.messages);
            found += c.messages.size();
            hi = lo;
            window = Math.min(window * 2, 1L << 30);
        }
        List<FeedMessage> all = new ArrayList<>(found);
        chunks.forEach(all::addAll);
        List<FeedMessage> newest = all.subList(Math.max(0, all.size() - req.limit()), all.size());
        boolean reachedStart = lo <= range[0] && all.size() <= req.limit();
        boolean truncated = !reachedStart && found < req.limit();
        return new ScanResult(new ArrayList<>(newest), hi, range[0], range[1], reachedStart, truncated);
    }

    private long[] range(TopicPartition tp) {
        consumer.assign(List.of(tp));
        long first = consumer.beginningOffsets(List.of(tp), DEADLINE).get(tp);
        long end = consumer.endOffsets(List.of(tp), DEADLINE).get(tp);
        return new long[] {first, end};
    }

    /**
     * Reads {@code bounds} = [from, decideFrom, stop) of the partition and keeps the channel's records
     * from {@code decideFrom} on that are not repeats: decided by {@code live}, or when it is null by
     * the rule fed with the channel's records from {@code from}. Only records from {@code decideFrom}
     * on count as scanned.
     */
    private Chunk scan(ScanRequest req, TopicPartition tp, long[] bounds, PartitionIds live, long budget) {
        long from = bounds[0];
        long decideFrom = bounds[1];
        long stop = bounds[2];
        List<FeedMessage> out = new ArrayList<>();
        byte[] key = ChannelName.parse(req.channel()).keyBytes();
        PartitionIds rule = live == null ? new PartitionIds(ids.windowMs(), ids.records(), from, from) : null;
        long pos = from;
        long scanned = 0;
        if (decideFrom >= stop) {
            return new Chunk(out, decideFrom, 0);
        }
        consumer.seek(tp, from);
        counters.seeks.increment();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (pos < stop && scanned < budget) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(config.pollTimeout());
            if (records.isEmpty()) {
                counters.emptyPolls.increment();
                pos = Math.max(pos, consumer.position(tp));
                if (pos < stop && System.nanoTime() > deadline) {
                    throw new ChorusException(ErrorCode.KAFKA_UNAVAILABLE, "Kafka stopped answering a catch-up read");
                }
                continue;
            }
            deadline = System.nanoTime() + DEADLINE.toNanos();
            long batchEnd = consumer.position(tp);
            boolean stopped = false;
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                if (r.offset() >= stop) {
                    pos = stop;
                    stopped = true;
                    break;
                }
                boolean deciding = r.offset() >= decideFrom;
                if (deciding) {
                    scanned++;
                } else {
                    counters.windowRecords.increment();
                }
                counters.records.increment();
                pos = r.offset() + 1;
                if (!Arrays.equals(key, r.key())) {
                    continue;
                }
                boolean repeat = rule != null ? rule.observe(IdIndex.key(r), r.offset(), r.timestamp())
                        : deciding && live.isRepeat(r.offset());
                if (deciding && repeat) {
                    counters.repeats.increment();
                } else if (deciding) {
                    out.add(MessageEncoder.encode(req.channel(), req.topic(), r.partition(), r.offset(),
                            r.timestamp(), r.value(), r.headers()));
                }
            }
            if (!stopped) {
                // Control records of transactions take offsets too; the consumer's position skips them.
                pos = Math.max(pos, Math.min(batchEnd, stop));
            }
        }
        return new Chunk(out, pos, scanned);
    }
}
