package io.chorus.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * A test-only view into a gateway's own Kafka clients, installed through the operator's
 * {@code kafka.clientPropertiesFile} ({@code interceptor.classes}), so production code has no hook:
 * it counts the records each client role of a pod consumed, and can hold a pod's publish of one
 * message id before it reaches Kafka (the first attempt "in flight" while a retry lands elsewhere).
 */
public final class KafkaHook implements ProducerInterceptor<byte[], byte[]>, ConsumerInterceptor<byte[], byte[]> {

    /** A publish held in the producer: {@code reached} opens when it arrives, {@code release} lets it go. */
    public record Hold(String id, CountDownLatch reached, CountDownLatch release) {
    }

    private static final String POD = "chorus.test.pod";
    private static final Map<String, AtomicLong> CONSUMED = new ConcurrentHashMap<>();
    private static final Map<String, Hold> HOLDS = new ConcurrentHashMap<>();

    private String pod = "";
    private String role = "";

    /** A properties file that installs the hook for the pod named {@code pod}. */
    public static Path propertiesFor(String pod) {
        try {
            Path f = Files.createTempFile("chorus-hook-" + pod, ".properties");
            Files.writeString(f, "interceptor.classes=" + KafkaHook.class.getName() + "\n" + POD + "=" + pod + "\n");
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records consumed so far by the pod's clients whose client id starts with {@code chorus-<role>}. */
    public static long consumed(String pod, String role) {
        return CONSUMED.computeIfAbsent(pod + "/" + role, k -> new AtomicLong()).get();
    }

    /** The pod's next publish of message {@code id} waits in the producer until released. */
    public static Hold hold(String pod, String id) {
        Hold h = new Hold(id, new CountDownLatch(1), new CountDownLatch(1));
        HOLDS.put(pod, h);
        return h;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object p = configs.get(POD);
        pod = p == null ? "" : p.toString();
        Object id = configs.get("client.id");
        String clientId = id == null ? "" : id.toString();
        // client ids are chorus-<role>-<pod id>
        role = clientId.startsWith("chorus-") ? clientId.substring(7, Math.max(7, clientId.lastIndexOf('-'))) : clientId;
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        Hold h = HOLDS.get(pod);
        Header id = record.headers().lastHeader("chorus-id");
        if (h != null && id != null && h.id().equals(new String(id.value(), StandardCharsets.UTF_8))
                && HOLDS.remove(pod, h)) {
            h.reached().countDown();
            try {
                // Bounded, so that a failed test cannot leave the producer stuck for good.
                h.release().await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
        CONSUMED.computeIfAbsent(pod + "/" + role, k -> new AtomicLong()).addAndGet(records.count());
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    @Override
    public void close() {
    }
}
