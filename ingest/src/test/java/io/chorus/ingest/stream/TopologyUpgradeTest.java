package io.chorus.ingest.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.Ingest;
import io.chorus.ingest.config.ConfigLoader;
import io.chorus.ingest.config.IngestConfig;
import io.chorus.ingest.config.TopicsConfig;
import io.chorus.ingest.engage.Registry;
import io.chorus.kafka.embedded.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * An upgrade in place from the topology before the local path (s20), against the real broker. Then every
 * command crossed "by-event" and the store lived in the second sub-topology's tasks ({@code 1_p}); now
 * there is one sub-topology and the store is in {@code 0_p}. Streams names the changelog after the
 * application and the store, not the task, so each new task must restore the old state from it: the
 * test applies votes with the old topology, stops it cleanly, starts today's ingest under the same
 * application id, and requires the old votes, a changed vote and a retried command id to count as
 * they would have without the upgrade.
 */
class TopologyUpgradeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CODE = "UPG234";
    /** The default {@code kafka.partitions} of the topics ingest creates. */
    private static final int PARTITIONS = 3;

    @Test
    void stateAppliedByTheOldTopologyCountsAfterTheUpgrade() throws Exception {
        IngestConfig config = config();
        Topics.createMissing(config);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Registry rules = Registry.standard(config.engage(), meters);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
             Outputs screen = new Outputs(config.topics().engage())) {
            KafkaStreams old = new KafkaStreams(oldTopology(config, rules, new IngestMetrics(meters, rules.types())),
                    Ingest.properties(config));
            old.start();
            try {
                staff(producer, config, "system", "c-1", "{\"type\":\"event.create\",\"title\":\"upgrade\"}");
                staff(producer, config, "host-1", "c-2", "{\"type\":\"activity.create\",\"activity\":\"q\","
                        + "\"kind\":\"choice\",\"title\":\"q\",\"allowChange\":true,\"options\":[{\"id\":\"a\","
                        + "\"label\":\"A\"},{\"id\":\"b\",\"label\":\"B\"}]}");
                staff(producer, config, "host-1", "c-3", "{\"type\":\"activity.open\",\"activity\":\"q\"}");
                awaitActivity(screen, a -> a.path("state").asText().equals("open"));
                for (int i = 0; i < 10; i++) {
                    vote(producer, config, null, "p-" + i, "v-" + i, i < 7 ? "a" : "b");
                }
                awaitActivity(screen, a -> a.path("responses").asInt() == 10);
            } finally {
                    // As the old version stopped: in its group until its session times out.
                old.close(Duration.ofSeconds(30));
            }

            try (Ingest upgraded = Ingest.start(config, Registry.standard(config.engage(), new SimpleMeterRegistry()))) {
                int local = Utils.toPositive(Utils.murmur2(CODE.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
                // p-0 changes a → b on the local path; p-1 retries its first command; p-new votes a.
                vote(producer, config, local, "p-0", "v-change", "b");
                vote(producer, config, null, "p-1", "v-1", "b");
                vote(producer, config, local, "p-new", "v-new", "a");
                JsonNode after = awaitActivity(screen, a -> a.path("responses").asInt() == 11);
                assertEquals(7, after.path("results").path("counts").path("a").asInt(), after.toString());
                assertEquals(4, after.path("results").path("counts").path("b").asInt(), after.toString());
            }
        }
    }

    @Test
    void aStoppedIngestLeavesItsGroupAtOnce() throws Exception {
        IngestConfig config = config();
        String group = config.kafka().applicationId();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers()))) {
            Ingest ingest = Ingest.start(config, Registry.standard(config.engage(), new SimpleMeterRegistry()));
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                // Each turn asks the broker (a round trip), so the wait does not spin on a core.
                while (members(admin, group) != 1 || ingest.state() != Ingest.State.READY) {
                    assertTrue(System.nanoTime() < deadline, "ingest never got its partitions");
                }
            } finally {
                ingest.close();
            }
            // Without leaving, the member stays until its session times out and nobody gets its partitions.
            assertEquals(0, members(admin, group), "the stopped instance is still a member of " + group);
        }
    }

    private static int members(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
    }

    /** The topology as it was before the local path: every command through "by-event". */
    private static Topology oldTopology(IngestConfig config, Registry rules, IngestMetrics metrics) {
        ObjectMapper json = EngageTopology.json();
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EngageTopology.STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        builder.stream(List.of(config.topics().in(), config.topics().ctl()),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("commands"))
                .process(() -> new CommandReader(config.topics(), config.engage().limits().commandBytes(), metrics, 0),
                        Named.as("read"))
                .split(Named.as("read-"))
                .branch((k, v) -> v.topic() != null, Branched.withConsumer(dead -> dead.to((k, v, c) -> v.topic(),
                        produced("dead")), "dead"))
                .defaultBranch(Branched.withConsumer(commands -> commands
                        .mapValues(Routed::value, Named.as("command"))
                        .repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray())
                                .withName(EngageTopology.REPARTITION))
                        .process(() -> new EngageProcessor(config.engage(), config.kafka().commit(), null,
                                config.topics(), rules, metrics, json),
                                Named.as("engage"), EngageTopology.STORE)
                        .to((k, v, c) -> v.topic(), produced("output")), "commands"));
        Topology topology = builder.build();
        assertEquals(2, topology.describe().subtopologies().size(), "the old shape: two sub-topologies");
        return topology;
    }

    private static Produced<byte[], Routed> produced(String name) {
        return Produced.with(Serdes.ByteArray(), new RoutedSerde()).withStreamPartitioner(new ChannelPartitioner())
                .withName(name);
    }

    private static IngestConfig config() throws Exception {
        String run = "upgrade-" + System.nanoTime();
        IngestConfig base = ConfigLoader.defaults(TestKafka.bootstrapServers());
        TopicsConfig t = new TopicsConfig(run + ".in", run + ".ctl", run + ".engage", run + ".chat", run + ".mod",
                run + ".me", run + ".audit", run + ".dead");
        Path state = Files.createTempDirectory("ingest-upgrade");
        IngestConfig config = new IngestConfig(base.kafka().withApplicationId(run).withStateDir(state.toString())
                .withCreateTopics(true), t, base.engage());
        assertEquals(PARTITIONS, config.kafka().partitions());
        return config;
    }

    private static void staff(KafkaProducer<byte[], byte[]> producer, IngestConfig config, String sender, String id,
                              String json) throws Exception {
        send(producer, new ProducerRecord<>(config.topics().ctl(), key("engage-ctl:" + CODE + ":host"),
                json.getBytes(StandardCharsets.UTF_8)), sender, id);
    }

    /** A vote; {@code partition} null: the Java producer's default (murmur2 of the whole key: "by-event"). */
    private static void vote(KafkaProducer<byte[], byte[]> producer, IngestConfig config, Integer partition,
                             String pid, String id, String option) throws Exception {
        send(producer, new ProducerRecord<>(config.topics().in(), partition, key("engage-in:" + CODE),
                ("{\"type\":\"poll.vote\",\"activity\":\"q\",\"round\":1,\"choices\":[\"" + option + "\"]}")
                        .getBytes(StandardCharsets.UTF_8)), pid, id);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> r, String client,
                             String id) throws Exception {
        r.headers().add("chorus-client", client.getBytes(StandardCharsets.UTF_8));
        r.headers().add("chorus-id", id.getBytes(StandardCharsets.UTF_8));
        producer.send(r).get();
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode awaitActivity(Outputs screen, Predicate<JsonNode> done) throws Exception {
        String channel = "engage:" + CODE + ":a:q";
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            screen.poll();
            JsonNode latest = screen.latest.get(channel);
            if (latest != null && done.test(latest)) {
                return latest;
            }
        }
        throw new AssertionError("no snapshot of " + channel + " as expected; latest " + screen.latest.get(channel));
    }

    /** The snapshots ingest commits, latest per channel (by seq). */
    private static final class Outputs implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        final Map<String, JsonNode> latest = new HashMap<>();

        Outputs(String topic) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<org.apache.kafka.common.TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) {
                parts.add(new org.apache.kafka.common.TopicPartition(topic, i));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        void poll() throws Exception {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                String channel = new String(r.key(), StandardCharsets.UTF_8);
                ObjectNode value = (ObjectNode) JSON.readTree(r.value());
                JsonNode before = latest.get(channel);
                assertTrue(before == null || value.path("seq").asLong() > before.path("seq").asLong(),
                        channel + ": seq " + value.path("seq") + " after " + (before == null ? null : before.path("seq")));
                latest.put(channel, value);
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
