package io.chorus.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dev broker keeps its data: what dev mode promises across a restart. */
class EmbeddedKafkaTest {

    private static RecordMetadata produce(String bootstrap, String value) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000),
                new StringSerializer(), new StringSerializer())) {
            return p.send(new ProducerRecord<>("kept", 0, "k", value)).get();
        }
    }

    @Test
    void aSecondStartOnTheSameDirectoryKeepsTopicsAndOffsets(@TempDir Path dir) throws Exception {
        RecordMetadata first;
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir, 0, 0)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
            }
            first = produce(broker.bootstrapServers(), "before");
        }
        assertTrue(Files.isDirectory(dir.resolve("logs")), "log segments under the data directory");
        String clusterId = Files.readString(dir.resolve("cluster.id"), StandardCharsets.UTF_8);
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir, 0, 0)) {
            RecordMetadata second = produce(broker.bootstrapServers(), "after");
            assertEquals(first.offset() + 1, second.offset(), "offsets continue after a restart");
        }
        assertEquals(clusterId, Files.readString(dir.resolve("cluster.id"), StandardCharsets.UTF_8),
                "storage formatted once");
    }
}
