package io.chorus.gateway.testing;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** A backend service writing numbered JSON messages {@code {"n":i}} to a channel, as any Kafka client would. */
public final class Backend implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer = TestKafka.producer();
    private final String topic;
    private final String channel;

    /** Creates the namespace's topic (4 partitions) when missing: backends write to existing topics. */
    public Backend(String namespace, String channel) {
        this.topic = "chorus." + namespace;
        this.channel = channel;
        TestKafka.ensureTopic(topic, 4);
    }

    public RecordMetadata send(int n) {
        try {
            return producer.send(new ProducerRecord<>(topic, channel.getBytes(StandardCharsets.UTF_8),
                    ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8))).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends n = from .. to-1 and waits for the last acknowledgement. */
    public void sendRange(int from, int to) {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(topic, channel.getBytes(StandardCharsets.UTF_8),
                    ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
