package io.chorus.ingest.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The commands as the gateways wrote them to Kafka, read back after the storm: the record time of the
 * first copy of each command id (what the quiz scores by), the question's open time, and how many
 * copies were duplicates (proof that dedup in ingest had work to do).
 */
final class InputLog {

    private final Map<String, Long> firstAt = new HashMap<>();
    private long openedAt = -1;
    private long duplicates;
    private final java.util.Set<Integer> inPartitions = new java.util.TreeSet<>();

    static InputLog read(String bootstrap, String inTopic, String ctlTopic, String code) {
        InputLog log = new InputLog();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : List.of(inTopic, ctlTopic)) {
                c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read the command topics to their end");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    log.add(r, code);
                }
            }
        }
        return log;
    }

    private void add(ConsumerRecord<byte[], byte[]> r, String code) {
        String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
        String id = header(r, "chorus-id");
        String client = header(r, "chorus-client");
        if (key.equals("engage-ctl:" + code + ":host") && "next-0".equals(id)) {
            openedAt = r.timestamp();
        }
        if (key.equals("engage-in:" + code) && id != null) {
            inPartitions.add(r.partition());
            if (firstAt.putIfAbsent(client + "/" + id, r.timestamp()) != null) {
                duplicates++;
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The record time of the first copy of a participant's command, null if none reached Kafka. */
    Long firstTimestamp(String participant, String commandId) {
        return firstAt.get(participant + "/" + commandId);
    }

    /** The partitions of the participant topic that held this event's commands. */
    java.util.Set<Integer> inPartitions() {
        return inPartitions;
    }

    long openedAt() {
        return openedAt;
    }

    long duplicates() {
        return duplicates;
    }
}
