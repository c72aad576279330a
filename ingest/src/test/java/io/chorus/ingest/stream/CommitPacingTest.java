package io.chorus.ingest.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.ingest.Ingest;
import io.chorus.ingest.config.CommitConfig;
import io.chorus.ingest.config.ConfigLoader;
import io.chorus.ingest.config.IngestConfig;
import io.chorus.ingest.config.TopicsConfig;
import io.chorus.ingest.engage.Registry;
import io.chorus.kafka.embedded.TestKafka;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Commit pacing against the real broker: an ingest that starts with a backlog of commands commits only
 * at {@code kafka.commit.intervalBehind} until it has read all but {@code behindRecords} of them, still
 * answers every command exactly once, and once it keeps up defers nothing; an ingest with nothing to
 * do commits nothing.
 */
class CommitPacingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CODE = "PACE23";
    private static final int BACKLOG = 10_000;
    private static final int PARTICIPANTS = 100;

    @Test
    void aTaskBehindDefersItsCommitsAndOneThatKeepsUpDoesNot() throws Exception {
        IngestConfig config = config(new CommitConfig(Duration.ofMillis(100), Duration.ofSeconds(5), 200));
        Topics.createMissing(config);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(5), new ByteArraySerializer(),
                new ByteArraySerializer());
             Replies replies = new Replies(config.topics().me(), config.kafka().partitions())) {
            // The backlog is in Kafka before ingest starts: its task begins thousands of commands behind.
            for (int i = 0; i < BACKLOG; i++) {
                producer.send(join("p-" + (i % PARTICIPANTS), "backlog-" + i, config));
            }
            producer.flush();

            Ingest ingest = Ingest.start(config, Registry.standard(config.engage(), new SimpleMeterRegistry()));
            try {
                replies.awaitDistinct(BACKLOG, Duration.ofSeconds(120));
                assertEquals(BACKLOG, replies.total, "every command answered once: " + replies.doubled());
                double deferred = deferred(ingest);
                assertTrue(deferred > 0, "no commit was deferred while " + BACKLOG + " commands waited");

                // Now it keeps up: one command at a time, each answered before the next, defers nothing.
                for (int i = 0; i < 20; i++) {
                    producer.send(join("p-1", "after-" + i, config)).get();
                    replies.awaitDistinct(BACKLOG + i + 1, Duration.ofSeconds(60));
                }
                assertEquals(deferred, deferred(ingest), "a task that keeps up deferred a commit");
                assertEquals(BACKLOG + 20, replies.total, replies.doubled());
                // With nothing more to read, the asks' timer stops.
                awaitCounter(ingest, "commit", 1);
            } finally {
                ingest.close();
            }
        }
    }

    /**
     * An ingest with nothing to do commits nothing. Streams commits a task after any punctuation, even
     * one that did nothing, so timers that ran on while idle committed (a transaction each) every
     * {@code commit.interval.ms}. Counted in the stream thread's own polls (about ten a second while
     * idle), not in time.
     */
    @Test
    void anIdleIngestDoesNotCommit() throws Exception {
        IngestConfig config = config(ConfigLoader.defaults(TestKafka.bootstrapServers()).kafka().commit());
        Topics.createMissing(config);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(0), new ByteArraySerializer(),
                new ByteArraySerializer());
             Replies replies = new Replies(config.topics().me(), config.kafka().partitions())) {
            Ingest ingest = Ingest.start(config, Registry.standard(config.engage(), new SimpleMeterRegistry()));
            try {
                for (int i = 0; i < 20; i++) {
                    producer.send(join("p-" + i, "idle-" + i, config));
                }
                producer.flush();
                replies.awaitDistinct(20, Duration.ofSeconds(60));
                awaitCounter(ingest, "publish", 1);
                // Past the commit the last turns asked for (one commit interval: a poll or more).
                awaitPolls(ingest, 10);
                double commits = threadMetric(ingest, "kafka_stream_thread_commit_total");
                awaitPolls(ingest, 30);
                assertEquals(commits, threadMetric(ingest, "kafka_stream_thread_commit_total"),
                        "an idle ingest committed");
                assertEquals(20, replies.total, replies.doubled());
            } finally {
                ingest.close();
            }
        }
    }

    /**
     * One produce request in flight per connection. The topics are created just before: with several in
     * flight, the first request to a partition can fail NOT_LEADER_OR_FOLLOWER while the broker is still
     * applying the partition, the next one be written, and every retry of the first then fail
     * OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms drops it: a broker defect present in 4.1.1
     * (KAFKA-15591; fixed by apache/kafka pull request 23234). CI run 63 of s27 hung 90 s in the
     * backlog's flush on it.
     */
    private static Map<String, Object> producerConfig(int lingerMs) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, lingerMs, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    }

    /** Waits until {@code timer} was stopped at least {@code n} times. */
    private static void awaitCounter(Ingest ingest, String timer, double n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (stopped(ingest, timer) < n) {
            assertTrue(System.nanoTime() < deadline, "the " + timer + " timer did not stop");
            Thread.sleep(20); // polling a condition with a deadline, not waiting for time to pass
        }
    }

    private static double stopped(Ingest ingest, String timer) {
        Counter c = ingest.metrics().find("chorus.ingest.timers.stopped").tag("timer", timer).counter();
        return c == null ? 0 : c.count();
    }

    /** Waits until the stream threads have polled {@code n} more times. */
    private static void awaitPolls(Ingest ingest, int n) throws InterruptedException {
        double target = threadMetric(ingest, "kafka_stream_thread_poll_total") + n;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (threadMetric(ingest, "kafka_stream_thread_poll_total") < target) {
            assertTrue(System.nanoTime() < deadline, "the stream thread did not poll " + n + " times");
            Thread.sleep(20); // polling a condition with a deadline, not waiting for time to pass
        }
    }

    /** A Kafka Streams thread metric from ingest's Prometheus scrape, summed over its threads. */
    private static double threadMetric(Ingest ingest, String name) {
        double sum = 0;
        for (String line : ingest.metrics().scrape().split("\n")) {
            if (line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static double deferred(Ingest ingest) {
        Counter c = ingest.metrics().find("chorus.ingest.commits.deferred").counter();
        return c == null ? 0 : c.count();
    }

    /** A join by a participant to an event that does not exist: applied (refused) and answered. */
    private static ProducerRecord<byte[], byte[]> join(String pid, String id, IngestConfig config) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(config.topics().in(),
                ("engage-in:" + CODE).getBytes(StandardCharsets.UTF_8),
                "{\"type\":\"participant.join\",\"name\":\"A\"}".getBytes(StandardCharsets.UTF_8));
        r.headers().add("chorus-client", pid.getBytes(StandardCharsets.UTF_8));
        r.headers().add("chorus-id", id.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private static IngestConfig config(CommitConfig commit) throws Exception {
        String run = "pacing-" + System.nanoTime();
        IngestConfig base = ConfigLoader.defaults(TestKafka.bootstrapServers());
        TopicsConfig t = new TopicsConfig(run + ".in", run + ".ctl", run + ".engage", run + ".chat", run + ".mod",
                run + ".me", run + ".audit", run + ".dead");
        return new IngestConfig(base.kafka().withApplicationId(run)
                .withStateDir(Files.createTempDirectory("ingest-pacing").toString()).withCreateTopics(true)
                .withCommit(commit), t, base.engage());
    }

    /** The replies ingest commits on the participants' channels, by command id. */
    private static final class Replies implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<String, Integer> byId = new HashMap<>();
        int total;

        Replies(String topic, int partitions) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                parts.add(new TopicPartition(topic, i));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        /** Reads until {@code n} distinct command ids were answered; each poll waits on the broker. */
        void awaitDistinct(int n, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (byId.size() < n) {
                assertTrue(System.nanoTime() < deadline, "answers for " + byId.size() + " of " + n + " commands");
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode reply = JSON.readTree(r.value());
                    if ("reply".equals(reply.path("type").asText())) {
                        byId.merge(reply.path("id").asText(), 1, Integer::sum);
                        total++;
                    }
                }
            }
        }

        String doubled() {
            return "answered more than once: " + byId.entrySet().stream().filter(e -> e.getValue() > 1).limit(5).toList();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
