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
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
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

    private final Consumer<byte[], byte[]> consumer;
    private final CatchupConfig config;
    private final ReadCounters counters;

    PartitionScanner(Consumer<byte[], byte[]> consumer, CatchupConfig config, ReadCounters counters) {
        this.consumer = consumer;
        this.config = config;
        this.counters = counters;
    }

    private record Chunk(List<FeedMessage> messages, long next, long scanned) {
    }

    /** What one forward read of a pass collects. */
    private static final class Want {
        final int index;
        final ScanRequest req;
        final long start;
        final long stop;
        final List<FeedMessage> out = new ArrayList<>();
        long next = -1;     // set when done: where the read would continue

        Want(int index, ScanRequest req, long start, long stop) {
            this.index = index;
            this.req = req;
            this.start = start;
            this.stop = stop;
        }
    }

    /**
     * One pass over {@code tp} for several forward reads of its channels, each record read once: the
     * pass starts at the lowest offset any read wants, hands each record to the reads of its channel
     * whose range holds it, drops a read once it has its limit or reached its end, and seeks over
     * stretches no open read wants. Every read ends at the partition's end as it was when the pass
     * started, so a pass never waits for records that are not there.
     *
     * <p>Returns one result per read, in order; null for a read the pass did not reach before it ran
     * out of {@code maxScanRecords} (the caller keeps it for the next pass, which starts at it).
     */
    List<ScanResult> pass(TopicPartition tp, List<ScanRequest> reads) {
        long[] range = range(tp);
        ScanResult[] results = new ScanResult[reads.size()];
        Map<ByteBuffer, List<Want>> byKey = new HashMap<>();
        List<Want> open = new ArrayList<>();
        for (int i = 0; i < reads.size(); i++) {
            ScanRequest req = reads.get(i);
            long start = Math.max(req.fromOffset(), range[0]);
            long stop = Math.min(req.untilOffset(), range[1]);
            if (start >= stop || req.limit() < 1) {
                results[i] = new ScanResult(List.of(), start, range[0], range[1], false, false);
                continue;
            }
            Want w = new Want(i, req, start, stop);
            open.add(w);
            byKey.computeIfAbsent(ByteBuffer.wrap(ChannelName.parse(req.channel()).keyBytes()), k -> new ArrayList<>())
                    .add(w);
        }
        long budget = config.maxScanRecords();
        long pos = Long.MIN_VALUE;
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!open.isEmpty() && budget > 0) {
            long wanted = Long.MAX_VALUE;
            long passStop = 0;
            for (Want w : open) {
                wanted = Math.min(wanted, w.start);
                passStop = Math.max(passStop, w.stop);
            }
            if (pos < wanted) {
                consumer.seek(tp, wanted);
                pos = wanted;
                counters.seeks.increment();
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
                    budget--;
                    counters.records.increment();
                    pos = r.offset() + 1;
                    List<Want> ws = r.key() == null ? null : byKey.get(ByteBuffer.wrap(r.key()));
                    if (ws != null) {
                        hand(r, ws);
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

    /** Gives a record to every read of its channel that wants it; it is encoded once for all of them. */
    private void hand(ConsumerRecord<byte[], byte[]> r, List<Want> ws) {
        FeedMessage m = null;
        TopicInfo encodedFor = null;
        for (Want w : ws) {
            if (w.next < 0 && w.start <= r.offset() && r.offset() < w.stop) {
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
    }

    ScanResult backward(ScanRequest req) {
        TopicPartition tp = req.topicPartition();
        long[] range = range(tp);
        long hi = Math.min(req.untilOffset(), range[1]);
        long window = Math.max(256L, req.limit() * 4L);
        long budget = config.maxScanRecords();
        ArrayDeque<List<FeedMessage>> chunks = new ArrayDeque<>();
        int found = 0;
        long lo = hi;
        while (found < req.limit() && lo > range[0] && budget > 0) {
            lo = Math.max(range[0], hi - window);
            Chunk c = scan(req, tp, lo, hi, Integer.MAX_VALUE, budget);
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

    /** Reads [from, stop) of the partition, keeping the channel's records, at most {@code limit}. */
    private Chunk scan(ScanRequest req, TopicPartition tp, long from, long stop, int limit, long budget) {
        List<FeedMessage> out = new ArrayList<>();
        byte[] key = ChannelName.parse(req.channel()).keyBytes();
        long pos = from;
        long scanned = 0;
        if (from >= stop) {
            return new Chunk(out, from, 0);
        }
        consumer.seek(tp, from);
        counters.seeks.increment();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (pos < stop && out.size() < limit && scanned < budget) {
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
                scanned++;
                counters.records.increment();
                pos = r.offset() + 1;
                if (Arrays.equals(key, r.key())) {
                    out.add(MessageEncoder.encode(req.channel(), req.topic(), r.partition(), r.offset(),
                            r.timestamp(), r.value(), r.headers()));
                    if (out.size() >= limit) {
                        stopped = true;
                        break;
                    }
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
