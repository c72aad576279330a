package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.HalfOpenClient;
import io.chorus.gateway.testing.StalledSseClient;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.WsProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conflation: the latest state, never an older one after a newer one, at the subscriber's pace. */
class ConflationIT {

    private static final String STATE = TestGateway.freshNamespace();
    private static final String SCORES = TestGateway.freshNamespace();
    private static final String PLAIN = TestGateway.freshNamespace();
    private static TestGateway gateway;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("chorus.yaml");
        Files.writeString(yaml, "namespaces:\n  configured:\n"
                + "    " + STATE + ": {conflate: true}\n"
                + "    " + SCORES + ": {conflate: true, conflateKey: team}\n"
                + "    " + PLAIN + ": {}\n");
        Map<String, String> env = TestGateway.env();
        env.put("CHORUS_AUTH_ANONYMOUS", "true");
        gateway = TestGateway.start(c -> ConfigLoader.load(false, yaml, env));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aRateLimitedSubscriberGetsTheLatestStateAndNeverAnOlderOneAfterANewerOne() throws Exception {
        String ch = STATE + ":tally";
        try (Backend backend = new Backend(STATE, ch); WsProbe p = WsProbe.connect(gateway.wsUri())) {
            ResumeIT.subscribed(p, ch, ",\"maxRate\":5");
            backend.sendRange(0, 200);
            int last = -1;
            int received = 0;
            boolean marked = false;
            while (last < 199) {
                JsonNode m = p.expect("message");
                int n = m.get("data").get("n").asInt();
                assertTrue(n > last, "never older after newer: " + n + " after " + last);
                last = n;
                received++;
                marked |= m.path("conflated").asBoolean(false);
            }
            assertTrue(received < 200, "intermediate states were conflated away");
            assertTrue(marked, "conflated deliveries are marked");
            p.assertNoMoreFrames();
        }
    }

    @Test
    void conflationByKeyKeepsTheLatestOfEveryKey() throws Exception {
        String ch = SCORES + ":match";
        try (WsProbe p = WsProbe.connect(gateway.wsUri());
             KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            TestKafka.ensureTopic("chorus." + SCORES, 4);
            ResumeIT.subscribed(p, ch, ",\"maxRate\":2");
            for (int i = 0; i < 100; i++) {
                String team = i % 2 == 0 ? "red" : "blue";
                producer.send(new ProducerRecord<>("chorus." + SCORES, ch.getBytes(StandardCharsets.UTF_8),
                        ("{\"team\":\"" + team + "\",\"score\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            Map<String, Integer> latest = new HashMap<>();
            while (latest.getOrDefault("red", -1) < 98 || latest.getOrDefault("blue", -1) < 99) {
                JsonNode d = p.expect("message").get("data");
                String team = d.get("team").asText();
                int score = d.get("score").asInt();
                assertTrue(score > latest.getOrDefault(team, -1), "per key, never older after newer");
                latest.put(team, score);
            }
            p.assertNoMoreFrames();
        }
    }

    @Test
    void aConflatingSubscriberThatFellBehindGetsTheLatestStateWhenItReadsAgain() throws Exception {
        String ch = STATE + ":slow";
        String pad = "x".repeat(30_000);
        try (HalfOpenClient stalled = new HalfOpenClient(gateway.gateway().port(), "/v1/ws");
             KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            TestKafka.ensureTopic("chorus." + STATE, 4);
            stalled.sendText("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\"}");
            JsonNode sub = WsProbe.JSON.readTree(stalled.readReply());
            sub = "connected".equals(sub.path("type").asText()) ? WsProbe.JSON.readTree(stalled.readReply()) : sub;
            assertEquals("subscribed", sub.get("type").asText());
            for (int i = 0; i < 400; i++) {
                producer.send(new ProducerRecord<>("chorus." + STATE, ch.getBytes(StandardCharsets.UTF_8),
                        ("{\"n\":" + i + ",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            int last = -1;
            int received = 0;
            while (last < 399) {
                JsonNode f = WsProbe.JSON.readTree(stalled.readText());
                if ("message".equals(f.path("type").asText())) {
                    int n = f.get("data").get("n").asInt();
                    assertTrue(n > last, "never older after newer");
                    last = n;
                    received++;
                }
            }
            assertTrue(received < 400, "what it could not take was conflated, not queued");
        }
    }

    /** The same on SSE: the session's subscription conflates whatever the transport. */
    @Test
    void aConflatingSseStreamThatFellBehindGetsTheLatestStateWhenItReadsAgain() throws Exception {
        String ch = STATE + ":slow-sse";
        String pad = "x".repeat(30_000);
        try (StalledSseClient stalled = new StalledSseClient(gateway.gateway().port(), "/v1/sse?channel=" + ch);
             KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            TestKafka.ensureTopic("chorus." + STATE, 4);
            stalled.awaitSubscribed();
            for (int i = 0; i < 400; i++) {
                producer.send(new ProducerRecord<>("chorus." + STATE, ch.getBytes(StandardCharsets.UTF_8),
                        ("{\"n\":" + i + ",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            int last = -1;
            int received = 0;
            while (last < 399) {
                JsonNode f = stalled.next();
                if ("message".equals(f.path("type").asText())) {
                    int n = f.get("data").get("n").asInt();
                    assertTrue(n > last, "never older after newer");
                    last = n;
                    received++;
                }
            }
            assertTrue(received < 400, "what it could not take was conflated, not queued");
        }
    }

    @Test
    void maxRateOnANamespaceThatDoesNotConflateIsRefused() throws Exception {
        try (WsProbe p = WsProbe.connect(gateway.wsUri())) {
            p.send("{\"type\":\"subscribe\",\"ref\":\"r\",\"channel\":\"" + PLAIN + ":x\",\"maxRate\":3}");
            assertEquals("invalid_field", p.expect("error").get("error").asText());
            p.send("{\"type\":\"subscribe\",\"ref\":\"r\",\"channel\":\"" + STATE + ":x\",\"maxRate\":-1}");
            assertEquals("invalid_field", p.expect("error").get("error").asText());
            p.assertNoMoreFrames();
        }
    }
}
