package io.chorus.gateway.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chorus.gateway.config.KafkaConfig;
import io.chorus.gateway.testing.TestKafka;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Topics the catalog creates (dev mode) are usable the moment it hands them out. A broker describes a
 * new topic a moment before its partitions take writes; a producer with several requests in flight
 * whose first request is refused in that moment (NOT_LEADER_OR_FOLLOWER) while its second is taken
 * then has the first refused as out of order until its delivery timeout drops it (KAFKA-15591, a
 * broker defect). So the catalog answers only once every partition's leader serves it.
 */
class TopicCatalogIT {

    private static final int PARTITIONS = 16;

    @Test
    void aCreatedTopicTakesAWriteOnEveryPartitionAtOnce() throws Exception {
        KafkaConfig config = new KafkaConfig(TestKafka.bootstrapServers(), null, true, PARTITIONS, (short) 1,
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofSeconds(2), "");
        Map<String, Object> adminProps = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        try (TopicCatalog catalog = new TopicCatalog(Admin.create(adminProps), config, Clock.systemUTC());
             KafkaProducer<byte[], byte[]> strict = strictProducer()) {
            for (int round = 0; round < 10; round++) {
                String topic = "catalog-it-" + UUID.randomUUID();
                TopicInfo info = catalog.topic(topic).get();
                assertEquals(PARTITIONS, info.partitions());
                // The producer learns the topic's leaders now, then writes every partition at once. With no
                // retries, a partition its leader does not serve yet fails the write instead of waiting.
                strict.partitionsFor(topic);
                List<Future<RecordMetadata>> writes = new ArrayList<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    writes.add(strict.send(new ProducerRecord<>(topic, p, null, new byte[] {(byte) p})));
                }
                for (int p = 0; p < PARTITIONS; p++) {
                    try {
                        assertEquals(0L, writes.get(p).get().offset(), "partition " + p + " of " + topic);
                    } catch (ExecutionException e) {
                        throw new AssertionError("round " + round + ": partition " + p + " of a topic the catalog "
                                + "handed out refused a write: " + e.getCause(), e);
                    }
                }
            }
        }
    }

    /** Refuses instead of retrying: what the first write meets is what the test sees. */
    private static KafkaProducer<byte[], byte[]> strictProducer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.RETRIES_CONFIG, 0);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
