package io.chorus.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event codes that exist: every record of the compacted events topic (key = code), read from
 * the beginning by one consumer thread and then followed, so every API instance knows the events any
 * instance created. At most {@code maxEvents} are held; past that the oldest known is forgotten (its
 * joins answer {@code unknown_event}) and counted, since old events are the least likely to be joined.
 */
final class EventRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, EventInfo> events;
    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Counter evicted;
    private final Thread thread;
    private volatile boolean closed;

    EventRegistry(ApiConfig config, MeterRegistry metrics) {
        int max = config.maxEvents();
        this.evicted = Counter.builder("chorus_engage_api_events_evicted_total")
                .description("events forgotten because engage.maxEvents were known").register(metrics);
        this.events = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, EventInfo> eldest) {
                if (size() > max) {
                    evicted.increment();
                    return true;
                }
                return false;
            }
        };
        Gauge.builder("chorus_engage_api_known_events", this, EventRegistry::size)
                .description("events the join API knows").register(metrics);
        this.topic = config.topics().events();
        this.consumer = new KafkaConsumer<>(config.kafka(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "chorus-engage-api-registry")),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "engage-api-registry");
        this.thread.setDaemon(true);
    }

    /** Starts following the topic and waits until everything it held at start is read. */
    void start(Duration timeout) {
        // A topic created a moment ago may not be in the metadata yet: ask again until the deadline.
        long deadline = System.nanoTime() + timeout.toNanos();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        while ((infos == null || infos.isEmpty()) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L); // a metadata round, not a spin
            infos = consumer.partitionsFor(topic, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist (create it compacted, or set"
                    + " engage.topics.create)");
        }
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread.start();
        try {
            if (!loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("reading " + topic + " took longer than " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + topic, e);
        }
    }

    private void run() {
        Map<TopicPartition, Long> end = null;
        while (!closed) {
            try {
                if (end == null) {
                    end = consumer.endOffsets(consumer.assignment());
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r.key(), r.value());
                }
                if (loaded.getCount() > 0 && caughtUp(end)) {
                    LOG.info("join API: {} events known from {}", size(), topic);
                    loaded.countDown();
                }
            } catch (WakeupException e) {
                // close() woke us
            } catch (RuntimeException e) {
                LOG.warn("reading {}: {}", topic, e.toString());
                LockSupport.parkNanos(Duration.ofSeconds(1).toNanos()); // back off; the loop retries
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** A record of the events topic: a JSON event, or a tombstone that deletes the code. */
    private void apply(String code, byte[] value) {
        if (code == null) {
            return;
        }
        if (value == null) {
            synchronized (events) {
                events.remove(code);
            }
            return;
        }
        try {
            JsonNode v = JSON.readTree(value);
            put(new EventInfo(code, v.path("title").asText(""), v.path("createdAt").asLong()));
        } catch (IOException e) {
            LOG.warn("skipping event {}: not JSON", code);
        }
    }

    void put(EventInfo event) {
        synchronized (events) {
            events.put(event.code(), event);
        }
    }

    EventInfo get(String code) {
        synchronized (events) {
            return events.get(code);
        }
    }

    boolean contains(String code) {
        return get(code) != null;
    }

    int size() {
        synchronized (events) {
            return events.size();
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        if (thread.isAlive()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
