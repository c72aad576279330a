package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.KafkaHook;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.WsProbe;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Keyed publishes (a client-chosen id): a retry that reaches another pod while the first attempt is
 * still on its way to Kafka ends in one delivered message whose position both acks carry, and no
 * keyed publish reads the partition for itself.
 */
class KeyedPublishIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static TestGateway pod(String name) {
        return TestGateway.start(c -> TestGateway.config(Map.of("CHORUS_KAFKA_CLIENT_PROPERTIES_FILE",
                KafkaHook.propertiesFor(name).toString())));
    }

    static String publishFrame(String ref, String ch, String id, boolean retry) {
        return "{\"type\":\"publish\",\"ref\":\"" + ref + "\",\"channel\":\"" + ch + "\",\"id\":\"" + id
                + "\",\"data\":{\"vote\":\"" + id + "\"}" + (retry ? ",\"retry\":true" : "") + "}";
    }

    static JsonNode ack(WsProbe p, String ref) throws InterruptedException {
        JsonNode n = p.awaitFrame(f -> ref.equals(f.path("ref").asText()), Duration.ofSeconds(30));
        assertEquals("ack", n.path("type").asText(), n::toString);
        return n;
    }

    static HttpResponse<String> httpPublish(TestGateway g, String ch, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(g.http("/v1/channels/" + ch + "/messages"))
                .header("Idempotency-Key", key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":{\"k\":\"" + key + "\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The ids of the channel's latest messages, newest first, as the pod's history serves them. */
    static List<String> history(TestGateway g, String ch) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(g.http("/v1/channels/" + ch + "/messages?limit=50"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        List<String> ids = new ArrayList<>();
        WsProbe.JSON.readTree(r.body()).get("messages").forEach(m -> ids.add(m.get("id").asText()));
        return ids;
    }

    static WsProbe subscriber(TestGateway g, String ch) throws Exception {
        WsProbe p = WsProbe.connect(g.wsUri());
        p.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\"}");
        p.expect("subscribed");
        return p;
    }

    @Test
    void aRetryOnAnotherPodWhileTheFirstAttemptIsInFlightIsDeliveredOnceAndBothAcksCarryItsPosition()
            throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":votes";
        try (TestGateway a = pod("race-a"); TestGateway b = pod("race-b");
             WsProbe subA = subscriber(a, ch); WsProbe subB = subscriber(b, ch);
             WsProbe phoneOnA = WsProbe.connect(a.wsUri()); WsProbe phoneOnB = WsProbe.connect(b.wsUri())) {
            KafkaHook.Hold held = KafkaHook.hold("race-a", "vote-1");
            phoneOnA.send(publishFrame("first", ch, "vote-1", false));
            assertTrue(held.reached().await(30, TimeUnit.SECONDS), "pod A's first attempt reached its producer");

            // The phone lost pod A and retries on pod B while A's attempt is still on its way.
            phoneOnB.send(publishFrame("retry", ch, "vote-1", true));
            JsonNode onB = ack(phoneOnB, "retry");
            held.release().countDown();
            JsonNode onA = ack(phoneOnA, "first");

            assertEquals(2, TwoGatewaysIT.countRecordsWithId(ns, ch, "vote-1"),
                    "the race was real: both pods wrote a record");
            assertEquals(onB.get("position"), onA.get("position"), "both acks carry the delivered message's position");
            assertFalse(onB.get("duplicate").asBoolean(), "B's record landed first");
            assertTrue(onA.get("duplicate").asBoolean(), "A's record repeats B's");

            phoneOnA.send(publishFrame("later", ch, "vote-2", false));
            JsonNode later = ack(phoneOnA, "later");
            for (WsProbe sub : List.of(subA, subB)) {
                JsonNode m = sub.expect("message");
                assertEquals("vote-1", m.get("id").asText());
                assertEquals(onB.get("position"), m.get("position"));
                JsonNode next = sub.expect("message");
                assertEquals("vote-2", next.get("id").asText(), "the repeat is never delivered, and order holds");
                assertEquals(later.get("position"), next.get("position"));
                sub.assertNoMoreFrames();
            }
            assertEquals(List.of("vote-2", "vote-1"), history(a, ch));
            assertEquals(List.of("vote-2", "vote-1"), history(b, ch));
        }
    }

    @Test
    void keyedPublishesOnABusyPartitionReadNothingOfTheirOwnFromKafka() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":questions";
        try (Backend backend = new Backend(ns, ch); TestGateway g = pod("scan");
             WsProbe phone = WsProbe.connect(g.wsUri())) {
            backend.sendRange(0, 20_000); // recent traffic on the channel's partition
            assertEquals(201, httpPublish(g, ch, "k-0").statusCode(), "the first keyed publish");
            long catchupBefore = KafkaHook.consumed("scan", "catchup");
            double liveBefore = recordsIn(g);

            int written = 0;
            for (int i = 1; i <= 20; i++) {
                HttpResponse<String> r = httpPublish(g, ch, "k-" + i);
                assertEquals(201, r.statusCode(), r::body);
                phone.send(publishFrame("w" + i, ch, "w-" + i, true));
                assertFalse(ack(phone, "w" + i).get("duplicate").asBoolean());
                written += 2;
                HttpResponse<String> again = httpPublish(g, ch, "k-" + i);
                assertEquals(200, again.statusCode(), again::body);
                assertTrue(again.body().contains("\"duplicate\":true"), again::body);
            }
            assertEquals(catchupBefore, KafkaHook.consumed("scan", "catchup"),
                    "no keyed publish or retry read the partition through the catch-up reader");
            assertEquals(written, recordsIn(g) - liveBefore,
                    "the pod's reader read each new record once, and nothing else");
        }
    }

    private static double recordsIn(TestGateway g) {
        return g.gateway().metrics().registry().get("chorus_records_in").counter().count();
    }
}
