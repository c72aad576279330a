package io.chorus.gateway.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What Kafka holds for one channel: its partition read from the start to the end, committed records
 * only, as a plain consumer reads it. The truth the subscribers' streams are compared with.
 */
final class ChannelLog {

    /** One record of the channel: its offset and its {@code chorus-id} header (null if none). */
    record Entry(long offset, String id) {
    }

    private ChannelLog() {
    }

    static List<Entry> read(String bootstrap, TopicPartition tp, String channel) {
        byte[] key = channel.getBytes(StandardCharsets.UTF_8);
        List<Entry> entries = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (c.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + tp + " to its end " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (java.util.Arrays.equals(key, r.key())) {
                        Header id = r.headers().lastHeader("chorus-id");
                        entries.add(new Entry(r.offset(), id == null ? null : new String(id.value(), StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        return entries;
    }
}
