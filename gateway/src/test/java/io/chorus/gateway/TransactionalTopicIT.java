package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.schema.Position;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A topic written in transactions, as Kafka Streams with exactly-once writes ingest's output: commit
 * and abort markers take offsets, and aborted records take offsets too but are never read. Several
 * channels share the one partition. Positions, resume, history, rewind and the skip counts must be
 * exact across those gaps, served from the cache (the pod read the topic live) and from Kafka (a pod
 * that started reading after the writes).
 */
class TransactionalTopicIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String ns;
    private static String a;
    private static String b;
    private static String c;
    /** Gateway that read everything live (resumes come from its cache); the other reads Kafka. */
    private static TestGateway cached;
    private static TestGateway fresh;
    /** Offsets of the committed records of a and b, in order; n of a record is its index. */
    private static final List<Long> aOffsets = new ArrayList<>();
    private static final List<Long> bOffsets = new ArrayList<>();
    /** Offsets that hold no readable record: commit/abort markers and aborted records. */
    private static final List<Long> markers = new ArrayList<>();
    private static final List<Long> abortedOffsets = new ArrayList<>();
    private static final Map<String, List<JsonNode>> liveGot = new HashMap<>();
    private static Position anyPosition;
    private static double badKeysSkipped;
    private static double recordsRead;
    private static int committedRecords;

    @BeforeAll
    static void writeTransactionsWhileOneGatewayReadsLive() throws Exception {
        ns = TestGateway.freshNamespace();
        a = ns + ":a";
        b = ns + ":b";
        c = ns + ":only-aborted";
        String topic = "chorus." + ns;
        TestKafka.ensureTopic(topic, 1);
        cached = TestGateway.start();
        fresh = TestGateway.start();
        try (WsProbe live = WsProbe.connect(cached.wsUri());
             KafkaProducer<byte[], byte[]> producer = transactionalProducer("tx-" + ns)) {
            for (String ch : List.of(a, b, c)) {
                live.send("{\"type\":\"subscribe\",\"ref\":\"" + ch + "\",\"channel\":\"" + ch + "\"}");
                anyPosition = Position.decode(live.expect("subscribed").get("position").asText());
            }
            double badBefore = skipped(cached, "bad_key");
            double inBefore = recordsIn(cached);
            producer.initTransactions();
            Txn t = new Txn(producer, topic);
            t.ok(a).ok(b).ok(a).commit();
            t.aborted(a).aborted(b).aborted(c).aborted("bad key").abort();
            t.ok(a).ok("bad key").ok(b).commit();
            t.aborted(a).abort();
            t.ok(a).ok(a).ok(b).commit();
            committedRecords = t.committed;
            // Every committed record of a and b arrives live; the last ones come after every skip.
            for (int i = 0; i < aOffsets.size() + bOffsets.size(); i++) {
                JsonNode m = live.expect("message");
                liveGot.computeIfAbsent(m.get("channel").asText(), k -> new ArrayList<>()).add(m);
            }
            live.assertNoMoreFrames();
            badKeysSkipped = skipped(cached, "bad_key") - badBefore;
            recordsRead = recordsIn(cached) - inBefore;
        }
    }

    @AfterAll
    static void stop() {
        if (cached != null) {
            cached.close();
        }
        if (fresh != null) {
            fresh.close();
        }
    }

    @Test
    void liveDeliveryHasEveryCommittedRecordInOrderAndNoAbortedOne() {
        assertDelivered(liveGot.get(a), aOffsets, 0);
        assertDelivered(liveGot.get(b), bOffsets, 0);
        assertFalse(liveGot.containsKey(c), "the channel with only aborted records got nothing");
        assertEquals(committedRecords, recordsRead, 0.0, "aborted records are never read");
        assertEquals(1.0, badKeysSkipped, 0.0, "the committed bad key counts once, the aborted one not at all");
    }

    @Test
    void resumeFromBeforeInsideAndAfterAbortedBatchesAndFromMarkersDeliversExactlyWhatFollows() throws Exception {
        List<Long> from = new ArrayList<>();
        from.add(-1L);
        from.addAll(aOffsets);
        from.addAll(markers);
        from.addAll(abortedOffsets);
        double kafkaBefore = outcome(fresh, "kafka");
        for (long after : from) {
            for (TestGateway g : List.of(cached, fresh)) {
                try (WsProbe p = WsProbe.connect(g.wsUri())) {
                    JsonNode sub = subscribe(p, a, ",\"since\":\"" + at(after).encode() + "\"");
                    assertTrue(sub.get("resumed").asBoolean(), () -> "resumed from " + after + ": " + sub);
                    assertEquals(after, Position.decode(sub.get("position").asText()).offset());
                    List<JsonNode> got = new ArrayList<>();
                    int expected = (int) aOffsets.stream().filter(o -> o > after).count();
                    for (int i = 0; i < expected; i++) {
                        got.add(p.expect("message"));
                    }
                    assertDelivered(got, aOffsets, aOffsets.size() - expected);
                    p.assertNoMoreFrames();
                }
            }
        }
        // The fresh pod started reading at the end, after the last marker: only a resume from that
        // marker is served without reading Kafka.
        assertEquals(kafkaBefore + from.size() - 1, outcome(fresh, "kafka"), "resumes on the fresh pod read Kafka");
    }

    @Test
    void rewindCountsMessagesNotOffsets() throws Exception {
        for (TestGateway g : List.of(cached, fresh)) {
            for (int n : new int[] {1, 3, aOffsets.size(), aOffsets.size() + 3}) {
                try (WsProbe p = WsProbe.connect(g.wsUri())) {
                    subscribe(p, a, ",\"rewind\":" + n);
                    int expected = Math.min(n, aOffsets.size());
                    List<JsonNode> got = new ArrayList<>();
                    for (int i = 0; i < expected; i++) {
                        got.add(p.expect("message"));
                    }
                    assertDelivered(got, aOffsets, aOffsets.size() - expected);
                    p.assertNoMoreFrames();
                }
            }
            try (WsProbe p = WsProbe.connect(g.wsUri())) {
                subscribe(p, c, ",\"rewind\":5");
                p.assertNoMoreFrames();
            }
        }
    }

    @Test
    void historyPagesAcrossGapsAreExactForwardAndBackward() throws Exception {
        for (TestGateway g : List.of(cached, fresh)) {
            for (int limit : new int[] {1, 2, 3}) {
                for (long since : List.of(-1L, aOffsets.get(0), markers.get(0), abortedOffsets.get(0))) {
                    assertForwardPages(g, since, limit);
                }
                assertBackwardPages(g, Long.MAX_VALUE, limit);
                for (long before : List.of(markers.get(3), abortedOffsets.get(4), aOffsets.get(3), markers.get(4))) {
                    assertBackwardPages(g, before, limit);
                }
            }
            JsonNode none = get(g, "/v1/channels/" + c + "/messages?limit=10");
            assertEquals(0, none.get("messages").size());
            assertTrue(none.get("next").isNull());
            assertEquals(0, get(g, "/v1/channels/" + c + "/messages?since=" + at(-1).encode()).get("messages").size());
        }
    }

    @Test
    void aTransactionStillOpenIsInvisibleUntilItCommitsThenArrivesLiveAndOnResume() throws Exception {
        String ns2 = TestGateway.freshNamespace();
        String d = ns2 + ":d";
        String topic = "chorus." + ns2;
        TestKafka.ensureTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer("tx-" + ns2)) {
            producer.initTransactions();
            producer.beginTransaction();
            long d0 = send(producer, topic, d, 0).get().offset();
            producer.commitTransaction();
            producer.beginTransaction();
            long d1 = send(producer, topic, d, 1).get().offset(); // in the log, not committed yet
            try (WsProbe live = WsProbe.connect(cached.wsUri()); WsProbe resumer = WsProbe.connect(fresh.wsUri())) {
                Position start = Position.decode(subscribe(live, d, "").get("position").asText());
                assertTrue(start.offset() > d0 && start.offset() < d1, "live starts after what is committed: " + start);
                Position atD0 = new Position(start.topicId(), start.partition(), start.partitionCount(), d0);
                assertTrue(subscribe(resumer, d, ",\"since\":\"" + atD0.encode() + "\"").get("resumed").asBoolean());
                String path = "/v1/channels/" + d + "/messages";
                assertEquals(List.of(0), ns(get(fresh, path + "?since=" + at(start, -1).encode())));
                assertEquals(List.of(0), ns(get(fresh, path)));
                live.assertNoMoreFrames();
                resumer.assertNoMoreFrames();

                producer.commitTransaction();
                producer.beginTransaction();
                send(producer, topic, d, -1);
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                long d2 = send(producer, topic, d, 2).get().offset();
                producer.commitTransaction();
                for (WsProbe p : List.of(live, resumer)) {
                    assertDelivered(List.of(p.expect("message"), p.expect("message")), List.of(d0, d1, d2), 1);
                    p.assertNoMoreFrames();
                }
                assertEquals(List.of(0, 1, 2), ns(get(fresh, path + "?since=" + at(start, -1).encode())));
            }
        }
    }

    /** Forward pages from {@code since}: exactly the later messages, {@code limit} per page, oldest first. */
    private static void assertForwardPages(TestGateway g, long since, int limit) throws Exception {
        List<Integer> expected = new ArrayList<>();
        for (int n = 0; n < aOffsets.size(); n++) {
            if (aOffsets.get(n) > since) {
                expected.add(n);
            }
        }
        String next = "/v1/channels/" + a + "/messages?since=" + at(since).encode() + "&limit=" + limit;
        for (int page = 0; ; page++) {
            JsonNode body = get(g, next);
            List<Integer> got = ns(body);
            List<Integer> want = expected.subList(Math.min(expected.size(), page * limit),
                    Math.min(expected.size(), (page + 1) * limit));
            assertEquals(want, got, () -> "forward since " + since + " limit " + limit + ": " + body);
            next = body.get("next").asText();
            if (got.isEmpty()) {
                // Polling at the end keeps returning nothing: no aborted record shows up later.
                assertEquals(List.of(), ns(get(g, next)));
                return;
            }
        }
    }

    /** Backward pages before {@code before}: exactly the earlier messages, newest first, then no next link. */
    private static void assertBackwardPages(TestGateway g, long before, int limit) throws Exception {
        List<Integer> expected = new ArrayList<>();
        for (int n = aOffsets.size() - 1; n >= 0; n--) {
            if (aOffsets.get(n) < before) {
                expected.add(n);
            }
        }
        String next = "/v1/channels/" + a + "/messages?limit=" + limit
                + (before == Long.MAX_VALUE ? "" : "&before=" + at(before).encode());
        List<Integer> all = new ArrayList<>();
        for (int page = 0; next != null; page++) {
            JsonNode body = get(g, next);
            List<Integer> got = ns(body);
            List<Integer> want = expected.subList(Math.min(expected.size(), page * limit),
                    Math.min(expected.size(), (page + 1) * limit));
            assertEquals(want, got, () -> "backward before " + before + " limit " + limit + ": " + body);
            all.addAll(got);
            next = body.get("next").isNull() ? null : body.get("next").asText();
            assertTrue(page <= expected.size(), "pages end");
        }
        assertEquals(expected, all);
    }

    private static List<Integer> ns(JsonNode page) {
        List<Integer> out = new ArrayList<>();
        page.get("messages").forEach(m -> out.add(m.get("data").get("n").asInt()));
        return out;
    }

    /** Messages {@code first..} of a channel, with their offsets as written, in order. */
    private static void assertDelivered(List<JsonNode> got, List<Long> offsets, int first) {
        assertEquals(offsets.size() - first, got.size());
        long previous = -1;
        for (int i = 0; i < got.size(); i++) {
            JsonNode m = got.get(i);
            assertEquals(first + i, m.get("data").get("n").asInt(), "in order, no gap, no duplicate");
            long offset = Position.decode(m.get("position").asText()).offset();
            assertEquals(offsets.get(first + i), offset, "the position is the record's offset");
            assertTrue(offset > previous, "positions increase");
            previous = offset;
        }
    }

    private static Position at(long offset) {
        return at(anyPosition, offset);
    }

    private static Position at(Position like, long offset) {
        return new Position(like.topicId(), like.partition(), like.partitionCount(), offset);
    }

    private static Future<RecordMetadata> send(KafkaProducer<byte[], byte[]> producer, String topic, String channel,
                                               int n) {
        String value = n < 0 ? "{\"aborted\":true}" : "{\"n\":" + n + "}";
        return producer.send(new ProducerRecord<>(topic, 0, channel.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode subscribe(WsProbe p, String channel, String extra) throws Exception {
        p.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + channel + "\"" + extra + "}");
        return p.expect("subscribed");
    }

    private static JsonNode get(TestGateway g, String pathAndQuery) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(g.http(pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        return WsProbe.JSON.readTree(r.body());
    }

    private static double skipped(TestGateway g, String reason) {
        var counter = g.gateway().metrics().registry().find("chorus_records_skipped").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static double recordsIn(TestGateway g) {
        return g.gateway().metrics().registry().get("chorus_records_in").counter().count();
    }

    private static double outcome(TestGateway g, String outcome) {
        var counter = g.gateway().metrics().registry().find("chorus_subscribe_outcomes").tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static KafkaProducer<byte[], byte[]> transactionalProducer(String id) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, id, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** One transaction at a time; records the offsets each record and marker took. */
    private static final class Txn {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private final List<Future<RecordMetadata>> okSends = new ArrayList<>();
        private final List<String> okKeys = new ArrayList<>();
        private final List<Future<RecordMetadata>> abortedSends = new ArrayList<>();
        private boolean open;
        private long lastEnd = -1;
        int committed;

        Txn(KafkaProducer<byte[], byte[]> producer, String topic) {
            this.producer = producer;
            this.topic = topic;
        }

        Txn ok(String key) {
            begin();
            int n = (int) okKeys.stream().filter(key::equals).count() + (int) count(key);
            okKeys.add(key);
            okSends.add(send(key, "{\"n\":" + n + "}"));
            return this;
        }

        Txn aborted(String key) {
            begin();
            abortedSends.add(send(key, "{\"aborted\":true}"));
            return this;
        }

        void commit() throws Exception {
            producer.commitTransaction();
            long last = -1;
            for (int i = 0; i < okSends.size(); i++) {
                long offset = okSends.get(i).get().offset();
                checkFollows(offset);
                last = offset;
                committed++;
                if (okKeys.get(i).equals(a)) {
                    aOffsets.add(offset);
                } else if (okKeys.get(i).equals(b)) {
                    bOffsets.add(offset);
                }
            }
            end(last);
        }

        void abort() throws Exception {
            // Flushed first, so the records are in the log (and take offsets) before the abort marker.
            producer.flush();
            long last = -1;
            for (Future<RecordMetadata> f : abortedSends) {
                long offset = f.get().offset();
                checkFollows(offset);
                abortedOffsets.add(offset);
                last = offset;
            }
            producer.abortTransaction();
            end(last);
        }

        private void checkFollows(long offset) {
            assertTrue(lastEnd < 0 || offset > lastEnd, "offsets grow");
            lastEnd = offset;
        }

        /** The marker follows the transaction's last record: the next transaction starts after it. */
        private void end(long last) {
            markers.add(last + 1);
            lastEnd = last + 1;
            okSends.clear();
            okKeys.clear();
            abortedSends.clear();
            open = false;
        }

        private long count(String key) {
            return key.equals(a) ? aOffsets.size() : key.equals(b) ? bOffsets.size() : 0;
        }

        private void begin() {
            if (!open) {
                producer.beginTransaction();
                open = true;
            }
        }

        private Future<RecordMetadata> send(String key, String value) {
            return producer.send(new ProducerRecord<>(topic, 0, key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
