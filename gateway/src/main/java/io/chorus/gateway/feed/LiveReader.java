package io.chorus.gateway.feed;

import io.chorus.gateway.config.GatewayConfig;
import io.chorus.gateway.config.NamespaceConfig;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod's one reader of live partitions: assigned (no consumer group) to exactly the partitions
 * local subscribers need, reading committed data only. It runs on its own thread; requests reach it
 * through a queue and a wakeup, and every batch it reads goes into the {@link MessageCache} before the
 * {@link FeedListener} fans it out, which is the order the hand-over from replay to live relies on.
 */
public final class LiveReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveReader.class);

    private final Consumer<byte[], byte[]> consumer;
    private final MessageCache cache;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final FeedListener listener;
    private final IdIndex ids;
    private final LinkedBlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    private final Map<TopicPartition, CompletableFuture<Void>> started = new ConcurrentHashMap<>();
    private final Map<String, TopicInfo> topics = new HashMap<>();
    private final Map<String, TopicInfo> knownTopics = new ConcurrentHashMap<>();
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Thread thread;
    private volatile boolean running = true;

    public LiveReader(Consumer<byte[], byte[]> consumer, MessageCache cache, GatewayConfig config,
                      GatewayMetrics metrics, FeedListener listener, IdIndex ids) {
        this.ids = ids;
        this.consumer = consumer;
        this.cache = cache;
        this.config = config;
        this.metrics = metrics;
        this.listener = listener;
        this.thread = new Thread(this::run, "chorus-live-reader");
        this.thread.setDaemon(true);
        metrics.gauge("chorus_live_partitions", "partitions the live reader is assigned", () -> started.size());
    }

    public void start() {
        thread.start();
    }

    /**
     * Makes sure the partition is read live; completes (on the reader thread) once the cache knows
     * where live reading started.
     */
    public CompletableFuture<Void> ensureLive(TopicInfo topic, TopicPartition tp) {
        TopicInfo known = knownTopics.putIfAbsent(topic.name(), topic);
        if (known != null && !known.equals(topic) && knownTopics.replace(topic.name(), known, topic)) {
            // Recreated or repartitioned: its partitions restart at their end, and the cache forgets
            // what it held under the old topic id.
            started.keySet().removeIf(p -> p.topic().equals(topic.name()));
            commands.add(() -> forget(topic.name()));
        }
        CompletableFuture<Void> existing = started.get(tp);
        if (existing != null) {
            return existing;
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        CompletableFuture<Void> raced = started.putIfAbsent(tp, f);
        if (raced != null) {
            return raced;
        }
        commands.add(() -> assign(topic, tp, f));
        consumer.wakeup();
        return f;
    }

    private void forget(String topic) {
        List<TopicPartition> gone = assigned.stream().filter(p -> p.topic().equals(topic)).toList();
        assigned.removeAll(gone);
        consumer.assign(new ArrayList<>(assigned));
        gone.forEach(cache::stop);
        gone.forEach(ids::forget);
    }

    private void assign(TopicInfo topic, TopicPartition tp, CompletableFuture<Void> done) {
        try {
            topics.put(topic.name(), topic);
            assigned.add(tp);
            consumer.assign(new ArrayList<>(assigned));
            consumer.seekToEnd(List.of(tp));
            long pos = positionIgnoringWakeups(tp);
            cache.start(tp, pos);
            // The dedup window before pos is read first, into the id index only (IdIndex).
            long preRead = ids.start(tp, pos);
            if (preRead < pos) {
                consumer.seek(tp, preRead);
            }
            LOG.debug("live reading {} from offset {} (ids from {})", tp, pos, preRead);
            done.complete(null);
        } catch (RuntimeException e) {
            assigned.remove(tp);
            ids.forget(tp);
            consumer.assign(new ArrayList<>(assigned));
            started.remove(tp, done);
            done.completeExceptionally(e);
        }
    }

    /**
     * The partition's end, where live reading starts. A topic created a moment ago may not be known to
     * the partition's broker yet (UnknownTopicOrPartition, a retriable error): retried until the
     * request timeout, then reported as kafka_unavailable, which the client may retry.
     */
    private long positionIgnoringWakeups(TopicPartition tp) {
        long deadline = System.nanoTime() + config.kafka().requestTimeout().toNanos();
        while (true) {
            try {
                return consumer.position(tp, config.kafka().requestTimeout());
            } catch (WakeupException e) {
                // another command arrived meanwhile; it runs after this one
            } catch (org.apache.kafka.common.errors.RetriableException e) {
                if (System.nanoTime() > deadline) {
                    throw new ChorusException(ErrorCode.KAFKA_UNAVAILABLE, "Kafka cannot serve " + tp + " yet");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
            }
        }
    }

    private void run() {
        while (running) {
            try {
                Runnable cmd;
                while ((cmd = commands.poll()) != null) {
                    cmd.run();
                }
                if (assigned.isEmpty()) {
                    Runnable next = commands.poll(200, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        next.run();
                    }
                    continue;
                }
                handle(consumer.poll(Duration.ofMillis(500)));
            } catch (WakeupException e) {
                // a command arrived; loop around to run it
            } catch (OffsetOutOfRangeException e) {
                restart(e.partitions());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("live reader poll failed, retrying: {}", e.toString());
                }
            }
        }
    }

    /** The reader fell out of the log (retention passed it): the cache forgets what it knew of it. */
    private void restart(Set<TopicPartition> lost) {
        consumer.seekToBeginning(lost);
        for (TopicPartition tp : lost) {
            long pos = consumer.position(tp);
            if (ids.preReading(tp)) {
                // Retention removed the start of the pre-read: it starts at the first record instead.
                ids.preReadFrom(tp, pos);
                continue;
            }
            LOG.warn("live reader fell out of retention on {}; restarting at {}", tp, pos);
            cache.start(tp, pos);
            ids.restart(tp, pos);
        }
    }

    private void handle(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> raw = records.records(tp);
            TopicInfo topic = topics.get(tp.topic());
            List<FeedMessage> batch = new ArrayList<>(raw.size());
            long next = raw.get(raw.size() - 1).offset() + 1;
            metrics.recordsIn(raw.size());
            // Pre-read records and repeats are indexed, never delivered (IdIndex).
            java.util.BitSet skip = ids.observe(tp, raw, next);
            long liveFrom = ids.liveFrom(tp);
            if (next <= liveFrom) {
                continue;
            }
            for (int i = 0; i < raw.size(); i++) {
                ConsumerRecord<byte[], byte[]> r = raw.get(i);
                if (skip.get(i)) {
                    if (r.offset() >= liveFrom) {
                        metrics.recordSkipped("repeat");
                    }
                    continue;
                }
                FeedMessage m = decode(topic, r);
                if (m != null) {
                    batch.add(m);
                }
            }
            cache.append(tp, batch, next);
            if (!batch.isEmpty()) {
                listener.onBatch(tp, batch);
            }
        }
        listener.onPollEnd();
        for (TopicPartition tp : assigned) {
            if (ids.preReading(tp)) {
                // A pre-read that ends on transaction markers returns no record to say it is done.
                ids.passed(tp, consumer.position(tp));
            }
        }
    }

    private FeedMessage decode(TopicInfo topic, ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null || r.key().length == 0) {
            metrics.recordSkipped("no_key");
            return null;
        }
        ChannelName channel = ChannelName.fromKey(r.key());
        if (channel == null) {
            metrics.recordSkipped("bad_key");
            return null;
        }
        NamespaceConfig ns = config.namespace(channel.namespace());
        if (ns == null) {
            metrics.recordSkipped("unknown_namespace");
            return null;
        }
        if (!ns.topic().equals(r.topic())) {
            metrics.recordSkipped("namespace_mismatch");
            return null;
        }
        if (topic.partitionOfKey(r.key(), ns.partitioner()) != r.partition()) {
            // Produced with another partitioner than the namespace says (a librdkafka client's CRC32 in
            // a murmur2 namespace, or the reverse): subscribers and resumes look for the channel on the
            // namespace's partition, so this record cannot be served.
            metrics.recordSkipped("wrong_partition");
            return null;
        }
        return MessageEncoder.encode(channel.value(), topic, r.partition(), r.offset(), r.timestamp(), r.value(),
                r.headers());
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
    }
}
