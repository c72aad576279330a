package io.chorus.gateway.feed;

import io.chorus.gateway.config.CatchupConfig;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * One catch-up thread's consumer, scanning a single partition for one channel's records. Every scan
 * is bounded: by the partition's end at the time it started, by its limit, by
 * {@code maxScanRecords}, and by a deadline when Kafka stops answering.
 */
final class PartitionScanner {

    private static final Duration DEADLINE = Duration.ofSeconds(15);

    private final Consumer<byte[], byte[]> consumer;
    private final CatchupConfig config;

    PartitionScanner(Consumer<byte[], byte[]> consumer, CatchupConfig config) {
        this.consumer = consumer;
        this.config = config;
    }

    private record Chunk(List<FeedMessage> messages, long next, long scanned) {
    }

    ScanResult forward(ScanRequest req) {
        TopicPartition tp = req.topicPartition();
        long[] range = range(tp);
        long start = Math.max(req.fromOffset(), range[0]);
        long stop = Math.min(req.untilOffset(), range[1]);
        Chunk c = scan(req, tp, start, stop, req.limit(), config.maxScanRecords());
        boolean truncated = c.next < stop && c.messages.size() < req.limit();
        return new ScanResult(c.messages, Math.max(c.next, start), range[0], range[1], false, truncated);
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
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (pos < stop && out.size() < limit && scanned < budget) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(config.pollTimeout());
            if (records.isEmpty()) {
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
