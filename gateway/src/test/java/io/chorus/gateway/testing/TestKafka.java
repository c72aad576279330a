package io.chorus.gateway.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The gateway tests' name for the test JVM's one broker: {@link io.chorus.kafka.embedded.TestKafka}
 * (module kafka-embedded, test scope), kept so the tests read as before.
 */
public final class TestKafka {

    private TestKafka() {
    }

    public static String bootstrapServers() {
        return io.chorus.kafka.embedded.TestKafka.bootstrapServers();
    }

    public static Admin admin() {
        return io.chorus.kafka.embedded.TestKafka.admin();
    }

    public static void ensureTopic(String topic, int partitions) {
        io.chorus.kafka.embedded.TestKafka.ensureTopic(topic, partitions);
    }

    /** A plain producer, as a backend service would use: default partitioner, acks=all. */
    public static KafkaProducer<byte[], byte[]> producer() {
        return io.chorus.kafka.embedded.TestKafka.producer();
    }
}
