package io.chorus.gateway.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.gateway.config.CatchupConfig;
import io.chorus.gateway.config.Partitioner;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.schema.ChannelName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The catch-up reader, knowing nothing of the partition from a live reader, drops exactly the records
 * that the rule drops when applied from the partition's first record: forward reads from many starts
 * and backward reads of many sizes, on a log whose record times make the time bound of the pre-read,
 * not the offset bound, decide where it starts.
 */
class CatchupDedupIT {

    private static final long WINDOW_MS = 1000;
    private static final int WINDOW_RECORDS = 400;

    private Consumer<byte[], byte[]> consumer(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 97); // batches that do not line up with anything
        props.putAll(overrides);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Test
    void readsOfThePastDropExactlyTheRecordsTheRuleDropsFromThePartitionsStart() throws Exception {
        String name = "dedup-reads-" + UUID.randomUUID();
        TestKafka.ensureTopic(name, 1);
        UUID topicId;
        try (var admin = TestKafka.admin()) {
            var d = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
            topicId = new UUID(d.topicId().getMostSignificantBits(), d.topicId().getLeastSignificantBits());
        }
        TopicInfo topic = new TopicInfo(name, topicId, 1);
        TopicPartition tp = new TopicPartition(name, 0);
        String channel = "vote:q1";
        assertEquals(0, topic.partitionOf(ChannelName.parse(channel), Partitioner.MURMUR2));

        // 3,000 records, 20 ms of record time apart (a window is 50 records, far fewer than the offset
        // bound), with clocks up to 300 ms off, ids from a small pool so that repeats land both inside
        // and outside the window, and another channel's records (same ids) between them.
        Random random = new Random(1418);
        long t0 = System.currentTimeMillis() - 3_600_000;
        try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            for (int i = 0; i < 3000; i++) {
                String ch = random.nextInt(4) == 0 ? "vote:other" : channel;
                RecordHeaders h = new RecordHeaders();
                if (random.nextInt(10) > 0) {
                    h.add("chorus-id", ("id" + random.nextInt(60)).getBytes(StandardCharsets.UTF_8));
                }
                long ts = t0 + i * 20L + random.nextInt(300);
                producer.send(new ProducerRecord<>(name, 0, ts, ch.getBytes(StandardCharsets.UTF_8),
                        ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8), h));
            }
            producer.flush();
        }

        // The truth: the rule applied by a reader that read the partition from its first record.
        List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();
        try (Consumer<byte[], byte[]> all = consumer(Map.of())) {
            all.assign(List.of(tp));
            all.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (log.size() < 3000 && System.nanoTime() < deadline) {
                all.poll(Duration.ofMillis(200)).records(tp).forEach(log::add);
            }
        }
        assertEquals(3000, log.size());
        IdIndex truthIndex = new IdIndex(WINDOW_MS, WINDOW_RECORDS);
        truthIndex.start(tp, 0);
        BitSet repeat = truthIndex.observe(tp, log, 3000);
        List<Long> delivered = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            if (!repeat.get(i) && channel.equals(new String(log.get(i).key(), StandardCharsets.UTF_8))) {
                delivered.add(log.get(i).offset());
            }
        }
        long repeatsOfChannel = log.stream().filter(r -> channel.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .count() - delivered.size();
        assertTrue(repeatsOfChannel > 50, "the log has repeats to drop: " + repeatsOfChannel);

        // A reader whose pod's index never read the partition (a fresh pod, or none reading it live).
        CatchupConfig config = new CatchupConfig(1, 256, 100_000, 200_000, Duration.ofMillis(200));
        try (CatchupReader reader = new CatchupReader(config, new IdIndex(WINDOW_MS, WINDOW_RECORDS), this::consumer)) {
            reader.start();
            for (long start : List.of(0L, 1L, 37L, 400L, 1234L, 2999L)) {
                ScanResult r = reader.forward(new ScanRequest(topic, channel, 0, start, Long.MAX_VALUE, 100_000))
                        .get(60, TimeUnit.SECONDS);
                assertEquals(delivered.stream().filter(o -> o >= start).toList(), offsets(r), "forward from " + start);
            }
            for (int n : List.of(1, 5, 50, 300, 2000)) {
                ScanResult r = reader.backward(new ScanRequest(topic, channel, 0, 0, 2500, n)).get(60, TimeUnit.SECONDS);
                List<Long> before = delivered.stream().filter(o -> o < 2500).toList();
                assertEquals(before.subList(Math.max(0, before.size() - n), before.size()), offsets(r),
                        "the last " + n + " before 2500");
            }
            assertTrue(reader.counters().windowRecords() > 0, "reads pre-read the window before their start");
            // Nine reads pre-read a window; by the offset bound alone that would be about 2,800 records.
            assertTrue(reader.counters().windowRecords() < 1500,
                    "the time bound kept each pre-read to about two windows of record time: "
                            + reader.counters().windowRecords());
        }
    }

    private static List<Long> offsets(ScanResult r) {
        return r.messages().stream().map(FeedMessage::offset).toList();
    }
}
