package io.chorus.bench.publish;

import io.chorus.bench.wire.Payload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Chorus's backend path: records on the namespace's topic, key = channel name, value = the JSON
 * payload, written by an idempotent producer with {@code acks=all} (the default) and a configurable
 * {@code linger.ms} (0 by default, so batching does not add to the latency being measured). Creates
 * the topic with the gateway's partition count if it is missing, so that the broker never auto-creates
 * it with one partition.
 */
final class KafkaPublisher implements Publisher {

    private final PublishTarget t;
    private final String topic;
    private final byte[][] keys;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile String lastError;

    KafkaPublisher(PublishTarget t) {
        this.t = t;
        String ns = t.prefix().substring(0, t.prefix().indexOf(':'));
        this.topic = "chorus." + ns;
        this.keys = new byte[t.channels()][];
        for (int c = 0; c < t.channels(); c++) {
            keys[c] = t.channel(c).getBytes(StandardCharsets.UTF_8);
        }
        ensureTopic();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, t.endpoint());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(t.lingerMs()));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "chorus-bench");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
    }

    private void ensureTopic() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, t.endpoint());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, t.partitions(), (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("creating " + topic + ": " + e.getCause(), e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("creating " + topic + ": " + e, e);
        }
    }

    @Override
    public void publish(int channel, long sentRel, long seq) {
        byte[] value = Payload.json(sentRel, channel, seq, t.payloadBytes());
        producer.send(new ProducerRecord<>(topic, keys[channel], value), (md, e) -> {
            if (e != null) {
                errors.incrementAndGet();
                lastError = e.toString();
            }
            answered.incrementAndGet();
        });
    }

    @Override
    public void flush(Duration timeout) {
        producer.flush();
    }

    @Override
    public long answered() {
        return answered.get();
    }

    @Override
    public long errors() {
        return errors.get();
    }

    @Override
    public String describe() {
        return "KafkaProducer to " + topic + " at " + t.endpoint() + " (acks=all, idempotent, linger.ms="
                + t.lingerMs() + ")" + (lastError == null ? "" : "; last error " + lastError);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    Map<String, Object> config() {
        return Map.of("topic", topic);
    }
}
