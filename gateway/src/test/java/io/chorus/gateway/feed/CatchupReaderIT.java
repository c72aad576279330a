package io.chorus.gateway.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.chorus.gateway.config.CatchupConfig;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.schema.ChannelName;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The catch-up reader on the test broker: reads of records already in Kafka never wait for new data
 * (the broker never holds one of its fetches for {@code fetch.max.wait.ms}), and catch-ups of one
 * partition that wait together are served by one pass over it.
 */
class CatchupReaderIT {

    /** Long enough that a fetch held by the broker cannot be mistaken for a slow one. */
    private static final int LONG_FETCH_WAIT_MS = 3000;

    private final List<Consumer<byte[], byte[]>> consumers = new ArrayList<>();

    /** What the pod's other readers might use: a long fetch wait (saves idle fetches on live partitions). */
    private Consumer<byte[], byte[]> consumer(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "catchup-it-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, LONG_FETCH_WAIT_MS);
        props.putAll(overrides);
        Consumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumers.add(c);
        return c;
    }

    private CatchupReader reader(int threads) {
        CatchupConfig config = new CatchupConfig(threads, 256, 500, 200_000, Duration.ofMillis(200), 1, 16);
        return new CatchupReader(config, this::consumer);
    }

    /** A topic with its channels' records, and where each record went. */
    private record Data(TopicInfo topic, Map<String, List<Long>> offsets) {
    }

    private static Data produce(int partitions, int channelsPerPartition, int recordsPerChannel) throws Exception {
        String name = "catchup-it-" + UUID.randomUUID();
        TestKafka.ensureTopic(name, partitions);
        UUID id;
        try (var admin = TestKafka.admin()) {
            var d = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
            id = new UUID(d.topicId().getMostSignificantBits(), d.topicId().getLeastSignificantBits());
        }
        TopicInfo topic = new TopicInfo(name, id, partitions);
        Map<Integer, List<String>> byPartition = new HashMap<>();
        for (int i = 0; byPartition.values().stream().mapToInt(List::size).sum() < partitions * channelsPerPartition; i++) {
            String channel = "room:" + i;
            List<String> list = byPartition.computeIfAbsent(topic.partitionFor(ChannelName.parse(channel)).partition(),
                    p -> new ArrayList<>());
            if (list.size() < channelsPerPartition) {
                list.add(channel);
            }
        }
        Map<String, List<Long>> offsets = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int n = 0; n < recordsPerChannel; n++) {
                for (List<String> channels : byPartition.values()) {
                    for (String channel : channels) {
                        List<Long> mine = offsets.computeIfAbsent(channel, c -> new ArrayList<>());
                        byte[] value = ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
                        CompletableFuture<Void> ack = new CompletableFuture<>();
                        acks.add(ack);
                        // One record at a time per partition keeps the offsets in send order.
                        producer.send(new ProducerRecord<>(name, channel.getBytes(StandardCharsets.UTF_8), value),
                                (md, err) -> {
                                    if (err != null) {
                                        ack.completeExceptionally(err);
                                    } else {
                                        synchronized (mine) {
                                            mine.add(md.offset());
                                        }
                                        ack.complete(null);
                                    }
                                }).get(30, TimeUnit.SECONDS);
                    }
                }
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
        return new Data(topic, offsets);
    }

    private static List<Long> offsets(ScanResult r) {
        return r.messages().stream().map(FeedMessage::offset).toList();
    }

    /**
     * The embedded broker's count of consumer fetches it held until their max wait ran out (its meter
     * appears with the first one).
     */
    private static long heldFetches() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("kafka.server:type=DelayedFetchMetrics,name=ExpiresPerSec,fetcherType=consumer");
        return server.isRegistered(name) ? ((Number) server.getAttribute(name, "Count")).longValue() : 0;
    }

    private long recordsReturned() {
        long sum = 0;
        for (Consumer<byte[], byte[]> c : consumers) {
            for (Map.Entry<MetricName, ? extends Metric> e : c.metrics().entrySet()) {
                MetricName n = e.getKey();
                if (n.name().equals("records-consumed-total") && n.group().equals("consumer-fetch-manager-metrics")
                        && !n.tags().containsKey("topic")) {
                    sum += ((Number) e.getValue().metricValue()).longValue();
                }
            }
        }
        return sum;
    }

    @Test
    void readsOfRecordsAlreadyInKafkaNeverWaitForFetchMaxWait() throws Exception {
        Data data = produce(4, 1, 30);
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        Assumptions.assumeTrue(external == null || external.isBlank(), "counts the embedded broker's held fetches");
        try (CatchupReader reader = reader(1)) {
            reader.start();
            long before = heldFetches();
            // One after another on one consumer, a partition each: the case where a fetch left pending
            // at the end of one read used to hold up the next.
            for (Map.Entry<String, List<Long>> e : data.offsets().entrySet()) {
                List<Long> all = e.getValue();
                ScanResult r = reader.sharedForward(new ScanRequest(data.topic(), e.getKey(), all.get(0), Long.MAX_VALUE,
                        1000)).get(60, TimeUnit.SECONDS);
                assertEquals(all, offsets(r), e.getKey());
                assertFalse(r.truncated());
            }
            ScanRequest history = new ScanRequest(data.topic(), "room:0", 0, Long.MAX_VALUE, 1000);
            assertEquals(data.offsets().get("room:0"), offsets(reader.forward(history).get(60, TimeUnit.SECONDS)));
            assertEquals(0, heldFetches() - before, "fetches the broker held for fetch.max.wait.ms");
        }
    }

    @Test
    void catchUpsOfOnePartitionWaitingTogetherAreServedByOnePass() throws Exception {
        Data data = produce(2, 6, 20);
        TopicInfo topic = data.topic();
        int partition = topic.partitionFor(ChannelName.parse(data.offsets().keySet().iterator().next())).partition();
        List<ScanRequest> requests = new ArrayList<>();
        long lowest = Long.MAX_VALUE;
        long end = 0;
        int i = 0;
        for (Map.Entry<String, List<Long>> e : data.offsets().entrySet()) {
            if (topic.partitionFor(ChannelName.parse(e.getKey())).partition() != partition) {
                continue;
            }
            List<Long> all = e.getValue();
            long from = all.get(i % all.size());
            lowest = Math.min(lowest, from);
            end = Math.max(end, all.get(all.size() - 1) + 1);
            requests.add(new ScanRequest(topic, e.getKey(), from, Long.MAX_VALUE, 1000));
            // Different channels, different positions; each also asked twice, as a crowd would.
            requests.add(new ScanRequest(topic, e.getKey(), from, Long.MAX_VALUE, 1000));
            i += 3;
        }
        try (CatchupReader reader = reader(1)) {
            List<CompletableFuture<ScanResult>> results = new ArrayList<>();
            for (ScanRequest r : requests) {
                results.add(reader.sharedForward(r));
            }
            reader.start();
            for (int k = 0; k < requests.size(); k++) {
                ScanRequest req = requests.get(k);
                List<Long> expected = data.offsets().get(req.channel()).stream().filter(o -> o >= req.fromOffset())
                        .toList();
                ScanResult r = results.get(k).get(60, TimeUnit.SECONDS);
                assertEquals(expected, offsets(r), req.toString());
                assertEquals(end, r.nextOffset(), req.toString());
            }
            assertEquals(end - lowest, recordsReturned(), "records read from Kafka: every one once");
        }
    }
}
