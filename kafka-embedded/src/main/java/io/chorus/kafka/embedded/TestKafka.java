package io.chorus.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The test JVM's one Kafka broker, for every module's tests: the embedded KRaft broker (started on
 * first use in a temporary directory, stopped at JVM exit), or the external cluster named by
 * {@code KAFKA_BOOTSTRAP_SERVERS}. One per JVM because a broker takes seconds to start and tests keep
 * apart by topic names instead.
 */
public final class TestKafka {

    private static String bootstrap;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (bootstrap == null) {
            String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
            if (external != null && !external.isBlank()) {
                bootstrap = external;
            } else {
                try {
                    Path dir = Files.createTempDirectory("chorus-test-kafka");
                    // Kafka's own broker lease, not the dev one: this broker is never restarted on
                    // its directory, and on a busy test machine a short lease gets it fenced when its
                    // controller thread starves (every partition offline until the next heartbeat).
                    EmbeddedKafka broker = EmbeddedKafka.start(KafkaNodeConfig.single(dir, freePort(), freePort())
                            .withLease(KafkaNodeConfig.KAFKA_SESSION, KafkaNodeConfig.KAFKA_HEARTBEAT));
                    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "test-kafka-stop"));
                    bootstrap = broker.bootstrapServers();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return bootstrap;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    public static void ensureTopic(String topic, int partitions) {
        ensureTopic(topic, partitions, Map.of());
    }

    /** Creates the topic with these topic configs (e.g. {@code cleanup.policy=compact}) unless it exists. */
    public static void ensureTopic(String topic, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all().get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return; // whoever created it waited below
                }
                throw new IllegalStateException(e);
            }
            // The broker answers a new topic's creation a moment before its partitions take writes, and
            // a producer with several requests in flight can lose its first in that moment (KAFKA-15591;
            // the gateway's TopicCatalog and ingest's Topics wait the same way). Offsets are answered only
            // by a leader that serves the partition; the admin client retries until each has, once the
            // broker describes the topic at all (until then the whole call fails and is asked again).
            Map<TopicPartition, OffsetSpec> all = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                all.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    admin.listOffsets(all).all().get();
                    break;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == 200) {
                        throw e;
                    }
                    Thread.sleep(50); // a condition polled, at most 10 s
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A plain producer, as a backend service would use: default partitioner, acks=all. */
    public static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
                // Tests produce to topics created just before. With several requests in flight, the first
                // to a partition can fail NOT_LEADER_OR_FOLLOWER while the broker is still applying the
                // partition, the next be written, and every retry of the first then fail
                // OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout drops it (KAFKA-15591, a broker
                // defect in 4.1.1; fixed by apache/kafka pull request 23234). One in flight cannot reorder.
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
                new ByteArraySerializer(), new ByteArraySerializer());
    }
}
