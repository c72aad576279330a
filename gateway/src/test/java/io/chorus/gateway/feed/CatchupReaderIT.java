package io.chorus.gateway.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.chorus.gateway.config.CatchupConfig;
import io.chorus.gateway.config.Partitioner;
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
import org.apache.kafka.common.TopicPartition;
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
        CatchupConfig config = new CatchupConfig(threads, 256, 500, 200_000, Duration.ofMillis(200));
        return new CatchupReader(config, new IdIndex(120_000, 200_000), this::consumer);
    }

    /** One record per poll: what a pass reads is then exactly what it counts. */
    private CatchupReader recordByRecord(int queue, long maxScanRecords) {
        return recordByRecord(queue, maxScanRecords, new IdIndex(120_000, 200_000));
    }

    private CatchupReader recordByRecord(int queue, long maxScanRecords, IdIndex ids) {
        CatchupConfig config = new CatchupConfig(1, queue, 500, maxScanRecords, Duration.ofMillis(200));
        return new CatchupReader(config, ids, o -> {
            Map<String, Object> props = new HashMap<>(o);
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
            return consumer(props);
        });
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
            List<String> list = byPartition.computeIfAbsent(topic.partitionFor(ChannelName.parse(channel), Partitioner.MURMUR2).partition(),
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
                ScanResult r = reader.sharedForward(scan(data.topic(), e.getKey(), all.get(0), Long.MAX_VALUE,
                        1000)).get(60, TimeUnit.SECONDS);
                assertEquals(all, offsets(r), e.getKey());
                assertFalse(r.truncated());
            }
            ScanRequest history = scan(data.topic(), "room:0", 0, Long.MAX_VALUE, 1000);
            assertEquals(data.offsets().get("room:0"), offsets(reader.forward(history).get(60, TimeUnit.SECONDS)));
            assertEquals(0, heldFetches() - before, "fetches the broker held for fetch.max.wait.ms");
        }
    }

    @Test
    void catchUpsOfOnePartitionWaitingTogetherAreServedByOnePass() throws Exception {
        Data data = produce(2, 6, 20);
        TopicInfo topic = data.topic();
        int partition = topic.partitionFor(ChannelName.parse(data.offsets().keySet().iterator().next()), Partitioner.MURMUR2).partition();
        List<ScanRequest> requests = new ArrayList<>();
        long lowest = Long.MAX_VALUE;
        long end = 0;
        int i = 0;
        for (Map.Entry<String, List<Long>> e : data.offsets().entrySet()) {
            if (topic.partitionFor(ChannelName.parse(e.getKey()), Partitioner.MURMUR2).partition() != partition) {
                continue;
            }
            List<Long> all = e.getValue();
            long from = all.get(i % all.size());
            lowest = Math.min(lowest, from);
            end = Math.max(end, all.get(all.size() - 1) + 1);
            requests.add(scan(topic, e.getKey(), from, Long.MAX_VALUE, 1000));
            // Different channels, different positions; each also asked twice, as a crowd would.
            requests.add(scan(topic, e.getKey(), from, Long.MAX_VALUE, 1000));
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

    @Test
    void aPassEndsEachReadAtItsLimitOrItsEndAndSeeksOverWhatNoReadWants() throws Exception {
        Data data = produce(1, 4, 30);
        List<String> ch = new ArrayList<>(data.offsets().keySet());
        List<Long> a = data.offsets().get(ch.get(0));
        List<Long> b = data.offsets().get(ch.get(1));
        List<Long> c = data.offsets().get(ch.get(2));
        long end = data.offsets().values().stream().mapToLong(l -> l.get(l.size() - 1)).max().orElseThrow() + 1;
        // The pod's live reader read the partition from its start: its index decides every read's
        // repeats, so no read pre-reads a window of its own and the pass reads only what reads want.
        IdIndex live = new IdIndex(120_000, 200_000);
        TopicPartition tp = new TopicPartition(data.topic().name(), 0);
        live.start(tp, 0);
        live.passed(tp, end);
        try (CatchupReader reader = recordByRecord(256, 200_000, live)) {
            var byLimit = reader.sharedForward(scan(data.topic(), ch.get(0), a.get(0), Long.MAX_VALUE, 3));
            var byUntil = reader.sharedForward(scan(data.topic(), ch.get(1), b.get(0), b.get(2), 1000));
            var later = reader.sharedForward(scan(data.topic(), ch.get(2), c.get(25), Long.MAX_VALUE, 1000));
            reader.start();
            ScanResult r1 = byLimit.get(60, TimeUnit.SECONDS);
            assertEquals(a.subList(0, 3), offsets(r1));
            assertEquals(a.get(2) + 1, r1.nextOffset());
            ScanResult r2 = byUntil.get(60, TimeUnit.SECONDS);
            assertEquals(b.subList(0, 2), offsets(r2));
            assertEquals(b.get(2), r2.nextOffset());
            ScanResult r3 = later.get(60, TimeUnit.SECONDS);
            assertEquals(c.subList(25, 30), offsets(r3));
            assertEquals(end, r3.nextOffset());
            assertEquals(end, r3.endOffset());
            for (ScanResult r : List.of(r1, r2, r3)) {
                assertFalse(r.truncated());
            }
            // Read: from the first read's start to where the first two were done, then from the third's.
            long firstStretch = Math.max(a.get(2) + 1, b.get(2)) - Math.min(a.get(0), b.get(0));
            assertEquals(firstStretch + (end - c.get(25)), reader.counters().records());
            assertEquals(2, reader.counters().seeks());
            assertEquals(1, reader.counters().passes());
        }
    }

    @Test
    void readsAPassCannotReachWithinItsBudgetAreServedByTheNextAndNoReadIsLeftWithoutProgress() throws Exception {
        Data data = produce(1, 4, 30);
        List<String> ch = new ArrayList<>(data.offsets().keySet());
        List<Long> a = data.offsets().get(ch.get(0));
        List<Long> d = data.offsets().get(ch.get(3));
        try (CatchupReader reader = recordByRecord(256, 10)) {
            var early = reader.sharedForward(scan(data.topic(), ch.get(0), a.get(0), Long.MAX_VALUE, 1000));
            var late = reader.sharedForward(scan(data.topic(), ch.get(3), d.get(20), Long.MAX_VALUE, 1000));
            reader.start();
            for (var pair : List.of(Map.entry(early, a.get(0)), Map.entry(late, d.get(20)))) {
                ScanResult r = pair.getKey().get(60, TimeUnit.SECONDS);
                long from = pair.getValue();
                assertEquals(from + 10, r.nextOffset(), "ten records read, from the read's start");
                assertEquals(true, r.truncated());
                String channel = pair.getKey() == early ? ch.get(0) : ch.get(3);
                assertEquals(data.offsets().get(channel).stream().filter(o -> o >= from && o < from + 10).toList(),
                        offsets(r));
            }
            assertEquals(2, reader.counters().passes());
        }
    }

    @Test
    void aFullQueueAnswersBusyAtOnceWhileIdenticalCatchUpsShareTheirPlace() throws Exception {
        Data data = produce(2, 2, 5);
        List<String> ch = new ArrayList<>(data.offsets().keySet());
        try (CatchupReader reader = recordByRecord(2, 200_000)) {
            ScanRequest first = scan(data.topic(), ch.get(0), 0, Long.MAX_VALUE, 100);
            var one = reader.sharedForward(first);
            var same = reader.sharedForward(scan(data.topic(), ch.get(0), 0, Long.MAX_VALUE, 100));
            var two = reader.forward(scan(data.topic(), ch.get(1), 0, Long.MAX_VALUE, 100));
            assertEquals(2, reader.queued());
            for (var refused : List.of(reader.sharedForward(scan(data.topic(), ch.get(2), 0, Long.MAX_VALUE, 100)),
                    reader.backward(scan(data.topic(), ch.get(3), 0, Long.MAX_VALUE, 10)))) {
                var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> refused.get(1, TimeUnit.SECONDS));
                assertEquals(io.chorus.schema.ErrorCode.BUSY, ((io.chorus.schema.ChorusException) e.getCause()).code());
            }
            reader.start();
            assertEquals(data.offsets().get(ch.get(0)), offsets(one.get(60, TimeUnit.SECONDS)));
            org.junit.jupiter.api.Assertions.assertSame(one.get(), same.get());
            assertEquals(data.offsets().get(ch.get(1)), offsets(two.get(60, TimeUnit.SECONDS)));
        }
    }

    @Test
    void readsOfATransactionalTopicSkipAbortedRecordsAndMarkersAndEndAtTheLastStableOffset() throws Exception {
        String name = "catchup-it-tx-" + UUID.randomUUID();
        TestKafka.ensureTopic(name, 1);
        UUID id;
        try (var admin = TestKafka.admin()) {
            var desc = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
            id = new UUID(desc.topicId().getMostSignificantBits(), desc.topicId().getLeastSignificantBits());
        }
        TopicInfo topic = new TopicInfo(name, id, 1);
        List<Long> committed = new ArrayList<>();
        Map<String, Object> props = new HashMap<>();
        props.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        props.put(org.apache.kafka.clients.producer.ProducerConfig.TRANSACTIONAL_ID_CONFIG, "catchup-it-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> tx = new KafkaProducer<>(props,
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            tx.initTransactions();
            for (int batch = 0; batch < 4; batch++) {
                tx.beginTransaction();
                List<Long> sent = new ArrayList<>();
                for (int n = 0; n < 3; n++) {
                    for (String channel : List.of("tx:a", "tx:b")) {
                        long offset = tx.send(new ProducerRecord<>(name, channel.getBytes(StandardCharsets.UTF_8),
                                "{}".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS).offset();
                        if (channel.equals("tx:a")) {
                            sent.add(offset);
                        }
                    }
                }
                if (batch % 2 == 0) {
                    tx.commitTransaction();
                    committed.addAll(sent);
                } else {
                    tx.abortTransaction();
                }
            }
        }
        try (CatchupReader reader = reader(1)) {
            reader.start();
            ScanResult all = reader.sharedForward(scan(topic, "tx:a", 0, Long.MAX_VALUE, 1000))
                    .get(60, TimeUnit.SECONDS);
            assertEquals(committed, offsets(all));
            assertEquals(all.endOffset(), all.nextOffset(), "the last marker is read past, not waited on");
            // From inside an aborted batch: the next committed records, none of the aborted ones.
            long inAborted = committed.get(2) + 4;
            ScanResult after = reader.forward(scan(topic, "tx:a", inAborted, Long.MAX_VALUE, 2))
                    .get(60, TimeUnit.SECONDS);
            assertEquals(committed.subList(3, 5), offsets(after));
            assertEquals(committed.get(4) + 1, after.nextOffset());
        }
    }

    /** A read of {@code channel} on the partition Kafka's Java client puts it on (these topics' producers). */
    private static ScanRequest scan(TopicInfo topic, String channel, long from, long until, int limit) {
        return new ScanRequest(topic, channel, topic.partitionOf(ChannelName.parse(channel), Partitioner.MURMUR2), from,
                until, limit);
    }
}
