package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.schema.Position;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.admin.Admin;
import io.chorus.gateway.testing.TestKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Resuming from a position: from the cache, from Kafka while live traffic flows, and when continuity is lost. */
class ResumeIT {

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        // A tiny cache (5 per channel) so that resumes further back must read Kafka.
        gateway = TestGateway.start(TestGateway.cachePerChannel(5));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static JsonNode subscribed(WsProbe p, String channel, String extra) throws Exception {
        p.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + channel + "\"" + extra + "}");
        return p.expect("subscribed");
    }

    /** Reads messages n = from .. to-1 in order; returns the last position. */
    static String expectRange(WsProbe p, int from, int to) throws Exception {
        String last = null;
        for (int i = from; i < to; i++) {
            JsonNode m = p.expect("message");
            assertEquals(i, m.get("data").get("n").asInt(), "message order, no gap, no duplicate");
            last = m.get("position").asText();
        }
        return last;
    }

    @Test
    void droppedSocketResumesWithEveryMissedMessageOnceThenLive() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room";
        try (Backend backend = new Backend(ns, ch)) {
            WsProbe first = WsProbe.connect(gateway.wsUri());
            subscribed(first, ch, "");
            backend.sendRange(0, 3);
            String last = expectRange(first, 0, 3);
            first.abort();
            backend.sendRange(3, 7);
            try (WsProbe second = WsProbe.connect(gateway.wsUri())) {
                JsonNode sub = subscribed(second, ch, ",\"since\":\"" + last + "\"");
                assertTrue(sub.get("resumed").asBoolean());
                assertEquals(last, sub.get("position").asText());
                expectRange(second, 3, 7);
                backend.sendRange(7, 10);
                expectRange(second, 7, 10);
                second.assertNoMoreFrames();
            }
        }
    }

    @Test
    void resumeOlderThanTheCacheReadsKafkaAndHandsOverToLiveWithoutGapOrDuplicate() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room";
        try (Backend backend = new Backend(ns, ch); WsProbe watcher = WsProbe.connect(gateway.wsUri())) {
            String start = subscribed(watcher, ch, "").get("position").asText();
            backend.sendRange(0, 300);
            expectRange(watcher, 0, 300);
            double kafkaResumes = outcome("kafka");
            // Live traffic keeps flowing while the resume reads Kafka and hands over.
            CompletableFuture<Void> live = CompletableFuture.runAsync(() -> {
                for (int i = 300; i < 600; i += 10) {
                    backend.sendRange(i, i + 10);
                }
            });
            try (WsProbe resumer = WsProbe.connect(gateway.wsUri())) {
                JsonNode sub = subscribed(resumer, ch, ",\"since\":\"" + start + "\"");
                assertTrue(sub.get("resumed").asBoolean());
                expectRange(resumer, 0, 600);
                live.get();
                resumer.assertNoMoreFrames();
            }
            assertEquals(kafkaResumes + 1, outcome("kafka"), "the resume took the Kafka catch-up path");
        }
    }

    @Test
    void rewindDeliversTheLastMessagesThenLive() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room";
        try (Backend backend = new Backend(ns, ch)) {
            backend.sendRange(0, 20);
            try (WsProbe p = WsProbe.connect(gateway.wsUri())) {
                subscribed(p, ch, ",\"rewind\":8");
                expectRange(p, 12, 20);
                backend.sendRange(20, 22);
                expectRange(p, 20, 22);
                p.assertNoMoreFrames();
            }
        }
    }

    @Test
    void positionBeyondRetentionSaysSoAndStartsAtTheOldestRetainedMessage() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room";
        try (Backend backend = new Backend(ns, ch); Admin admin = TestKafka.admin()) {
            long firstOffset = backend.send(0).offset();
            backend.sendRange(1, 20);
            Position p5 = positionOf(ns, ch, firstOffset + 5);
            TopicPartition tp = new TopicPartition("chorus." + ns, p5.partition());
            admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(firstOffset + 15))).all().get();
            try (WsProbe p = WsProbe.connect(gateway.wsUri())) {
                JsonNode sub = subscribed(p, ch, ",\"since\":\"" + p5.encode() + "\"");
                assertFalse(sub.get("resumed").asBoolean());
                assertEquals("out_of_retention", sub.get("reason").asText());
                assertEquals(firstOffset + 14, Position.decode(sub.get("position").asText()).offset());
                expectRange(p, 15, 20);
                p.assertNoMoreFrames();
            }
        }
    }

    @Test
    void positionFromADeletedAndRecreatedTopicSaysTopicChanged() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room";
        String topic = "chorus." + ns;
        Position old;
        try (Backend backend = new Backend(ns, ch); WsProbe p = WsProbe.connect(gateway.wsUri())) {
            subscribed(p, ch, "");
            backend.sendRange(0, 3);
            expectRange(p, 0, 3);
            old = Position.decode(lastPosition(ns, ch));
        }
        try (Admin admin = TestKafka.admin()) {
            admin.deleteTopics(java.util.List.of(topic)).all().get();
            io.chorus.gateway.testing.Conditions.await("topic deleted", Duration.ofSeconds(30), () -> {
                try {
                    return !admin.listTopics().names().get().contains(topic);
                } catch (Exception e) {
                    return false;
                }
            });
        }
        // A gateway that has not cached the old topic: the new topic is created on first use.
        try (TestGateway other = TestGateway.start(); Backend backend = new Backend(ns, ch);
             WsProbe p = WsProbe.connect(other.wsUri())) {
            JsonNode sub = subscribed(p, ch, ",\"since\":\"" + old.encode() + "\"");
            assertFalse(sub.get("resumed").asBoolean());
            assertEquals("topic_changed", sub.get("reason").asText());
            backend.sendRange(100, 102);
            expectRange(p, 100, 102);
            p.assertNoMoreFrames();
        }
    }

    @Test
    void positionFromBeforeARepartitionSaysPartitionsChangedAndGoesLive() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room";
        String topic = "chorus." + ns;
        String old;
        try (Backend backend = new Backend(ns, ch)) {
            backend.sendRange(0, 2);
            old = lastPosition(ns, ch);
        }
        try (Admin admin = TestKafka.admin()) {
            admin.createPartitions(Map.of(topic, org.apache.kafka.clients.admin.NewPartitions.increaseTo(6)))
                    .all().get();
        }
        try (TestGateway other = TestGateway.start(); WsProbe p = WsProbe.connect(other.wsUri());
             Backend backend = new Backend(ns, ch)) {
            JsonNode sub = subscribed(p, ch, ",\"since\":\"" + old + "\"");
            assertFalse(sub.get("resumed").asBoolean());
            assertEquals("partitions_changed", sub.get("reason").asText());
            assertEquals(6, Position.decode(sub.get("position").asText()).partitionCount());
            backend.sendRange(10, 12);
            expectRange(p, 10, 12);
            p.assertNoMoreFrames();
        }
    }

    @Test
    void withoutTopicCreationAMissingTopicIsReportedAsTopicMissing() throws Exception {
        try (TestGateway strict = TestGateway.start(c -> c.withKafka(c.kafka().withCreateTopics(false)));
             WsProbe p = WsProbe.connect(strict.wsUri())) {
            p.send("{\"type\":\"subscribe\",\"ref\":\"m\",\"channel\":\"" + TestGateway.freshNamespace() + ":x\"}");
            JsonNode err = p.expect("error");
            assertEquals("topic_missing", err.get("error").asText());
            assertTrue(err.get("retryable").asBoolean());
            p.assertNoMoreFrames();
        }
    }

    private static String lastPosition(String ns, String ch) throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                gateway.http("/v1/channels/" + ch + "/messages?limit=1")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return WsProbe.JSON.readTree(r.body()).get("messages").get(0).get("position").asText();
    }

    private static Position positionOf(String ns, String ch, long offset) throws Exception {
        Position last = Position.decode(lastPosition(ns, ch));
        return last.withOffset(offset);
    }

    private static double outcome(String outcome) {
        var c = gateway.gateway().metrics().registry().find("chorus_subscribe_outcomes")
                .tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }
}
