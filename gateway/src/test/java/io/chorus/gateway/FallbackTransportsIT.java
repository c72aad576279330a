package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.config.FallbackConfig;
import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.SseProbe;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.WsProbe;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SSE and long-polling: the same messages, positions and resume rules as WebSocket. */
class FallbackTransportsIT {

    /** HTTP/1.1, as a browser's long-poll speaks without TLS (this gateway also serves h2c). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(c -> TestGateway.heartbeat(Duration.ofMillis(300), Duration.ofSeconds(5)).apply(
                c.withFallback(new FallbackConfig(3, Duration.ofMillis(1500), 100, Duration.ofSeconds(1)))
                        .withHttp(c.http().withH2c(true))));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static String q(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Over HTTP/1.1 (what EventSource speaks: events are written to the connection and flushed once per
     * batch) and over HTTP/2 by prior knowledge ({@code http.h2c}; written through Vert.x's HTTP/2 stream).
     */
    @ParameterizedTest
    @EnumSource(value = HttpClient.Version.class)
    void sseDeliversInOrderAndLastEventIdResumesTheWholeSetExactlyOnce(HttpClient.Version version) throws Exception {
        String ns = TestGateway.freshNamespace();
        String a = ns + ":a";
        String b = ns + ":b";
        String last;
        try (Backend ba = new Backend(ns, a); Backend bb = new Backend(ns, b)) {
            try (SseProbe sse = sse(version, gateway.http("/v1/sse?channel=" + a + "&channel=" + b), null)) {
                assertEquals(300, sse.expect("connected").data().get("heartbeatMs").asLong());
                assertEquals(version, sse.version, "the HTTP version the stream was served over");
                sse.expect("subscribed");
                sse.expect("subscribed");
                ba.sendRange(0, 3);
                bb.sendRange(0, 2);
                int seenA = 0;
                int seenB = 0;
                SseProbe.Event e = null;
                for (int i = 0; i < 5; i++) {
                    e = sse.expect("message");
                    String ch = e.data().get("channel").asText();
                    int n = e.data().get("data").get("n").asInt();
                    assertEquals(ch.equals(a) ? seenA++ : seenB++, n, "per-channel order");
                    assertEquals(2, e.id().split(",", -1).length, "the id holds both positions");
                }
                last = e.id();
                assertTrue(sse.sawPing(Duration.ofSeconds(5)), "heartbeat ping event");
            }
            ba.sendRange(3, 6);
            bb.sendRange(2, 4);
            try (SseProbe again = sse(version, gateway.http("/v1/sse?channel=" + a + "&channel=" + b), last)) {
                assertTrue(again.expect("subscribed").data().get("resumed").asBoolean());
                assertTrue(again.expect("subscribed").data().get("resumed").asBoolean());
                int nextA = 3;
                int nextB = 2;
                for (int i = 0; i < 5; i++) {
                    JsonNode m = again.expect("message").data();
                    int n = m.get("data").get("n").asInt();
                    if (m.get("channel").asText().equals(a)) {
                        assertEquals(nextA++, n);
                    } else {
                        assertEquals(nextB++, n);
                    }
                }
                assertEquals(6, nextA);
                assertEquals(4, nextB);
            }
        }
    }

    static SseProbe sse(HttpClient.Version version, java.net.URI uri, String lastEventId) {
        return version == HttpClient.Version.HTTP_2 ? SseProbe.h2c(uri, lastEventId) : new SseProbe(uri, lastEventId);
    }

    static JsonNode poll(String query) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(gateway.http("/v1/poll?" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        return WsProbe.JSON.readTree(r.body());
    }

    @Test
    void longPollingStartsLiveThenReturnsWhatArrivedThenWaitsForTheNextMessage() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room";
        try (Backend backend = new Backend(ns, ch)) {
            JsonNode first = poll("channel=" + ch);
            assertEquals(1, first.get("subscribed").size());
            assertEquals(0, first.get("messages").size());
            String positions = first.get("positions").asText();
            backend.sendRange(0, 3);
            // What has arrived comes at once; a poll may hold fewer than all three if the gateway had
            // read only some when it answered, and the next poll continues from its positions.
            int next = 0;
            JsonNode second = null;
            while (next < 3) {
                second = poll("channel=" + ch + "&positions=" + q(positions));
                assertEquals(0, second.get("subscribed").size());
                for (JsonNode m : second.get("messages")) {
                    assertEquals(next++, m.get("data").get("n").asInt());
                }
                positions = second.get("positions").asText();
            }
            String p2 = second.get("positions").asText();
            CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return poll("channel=" + ch + "&positions=" + q(p2));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            io.chorus.gateway.testing.Conditions.await("poll waiting", Duration.ofSeconds(10), () ->
                    gateway.gateway().metrics().registry().get("chorus_connections")
                            .tag("transport", "poll").gauge().value() == 1);
            backend.send(3);
            JsonNode third = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(1, third.get("messages").size());
            assertEquals(3, third.get("messages").get(0).get("data").get("n").asInt());
            JsonNode quiet = poll("channel=" + ch + "&positions=" + q(third.get("positions").asText()));
            assertEquals(0, quiet.get("messages").size(), "the poll timeout answers empty");
            assertEquals(third.get("positions"), quiet.get("positions"));
        }
    }

    @Test
    void aWebSocketPositionResumesOnLongPollingAndPagesAreBounded() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room";
        String start;
        try (Backend backend = new Backend(ns, ch); WsProbe ws = WsProbe.connect(gateway.wsUri())) {
            start = ResumeIT.subscribed(ws, ch, "").get("position").asText();
            backend.sendRange(0, 250);
        }
        String positions = start;
        int next = 0;
        int polls = 0;
        while (next < 250) {
            JsonNode page = poll("channel=" + ch + "&positions=" + q(positions));
            assertTrue(page.get("messages").size() <= 100);
            for (JsonNode m : page.get("messages")) {
                assertEquals(next++, m.get("data").get("n").asInt(), "no gap, no duplicate across polls");
            }
            positions = page.get("positions").asText();
            assertTrue(++polls < 20);
        }
        assertEquals(250, next);
    }

    @Test
    void badFallbackRequestsGetEnumeratedHttpErrors() throws Exception {
        String[][] cases = {
            {"/v1/poll", "400", "invalid_field"},
            {"/v1/poll?channel=a&channel=b&channel=c&channel=d", "400", "invalid_field"},
            {"/v1/poll?channel=a&channel=a", "400", "invalid_field"},
            {"/v1/poll?channel=bad%20name", "400", "invalid_channel"},
            {"/v1/poll?channel=a&positions=x,y", "400", "invalid_position"},
            {"/v1/sse?channel=a&positions=garbage", "400", "invalid_position"},
            {"/v1/sse", "400", "invalid_field"},
            {"/v1/sse?channel=a&enter=" + q("{broken"), "400", "invalid_field"},
            {"/v1/poll?channel=a&enter=" + q("[\"a\"]"), "400", "invalid_field"},
            {"/v1/sse?channel=a&enter=" + q("{\"bad name\":1}"), "400", "invalid_channel"},
            {"/v1/poll?channel=a&presence=b", "400", "invalid_field"},
            {"/v1/sse?channel=a&enter=" + q("{\"a\":1}"), "401", "token_required"},
            {"/v1/poll?channel=a&timeout=-1", "400", "invalid_field"},
            {"/v1/poll?channel=a&timeout=soon", "400", "invalid_field"},
            {"/v1/poll?channel=a&timeout=1501", "400", "invalid_field"},
            {"/v1/sse?channel=a&occupancy=" + q("bad name"), "400", "invalid_channel"},
            {"/v1/sse?channel=a&enter=" + q("{" + "\"c%d\":1,".repeat(101).formatted(
                    java.util.stream.IntStream.range(0, 101).boxed().toArray()) + "\"z\":1}"), "429", "too_many_subscriptions"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(gateway.http(c[0])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(Integer.parseInt(c[1]), r.statusCode(), c[0] + " " + r.body());
            assertEquals(c[2], WsProbe.JSON.readTree(r.body()).get("error").asText(), c[0]);
        }
    }

    @Test
    void aPositionOfAnotherChannelEndsOnlyThatChannelOfAnSseStream() throws Exception {
        String ns = TestGateway.freshNamespace();
        String a = ns + ":a";
        String other = null;
        for (int i = 0; other == null; i++) {
            String cand = ns + ":x" + i;
            if (org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(cand.getBytes(), 4)
                    != org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(a.getBytes(), 4)) {
                other = cand;
            }
        }
        String foreign;
        try (Backend bo = new Backend(ns, other)) {
            bo.send(0);
            HttpResponse<String> h = HTTP.send(HttpRequest.newBuilder(gateway.http("/v1/channels/" + other
                    + "/messages?limit=1")).build(), HttpResponse.BodyHandlers.ofString());
            foreign = WsProbe.JSON.readTree(h.body()).get("messages").get(0).get("position").asText();
        }
        try (SseProbe sse = new SseProbe(gateway.http("/v1/sse?channel=" + a + "&channel=" + other
                + "&positions=" + q(foreign + "," + foreign)), null); Backend bo = new Backend(ns, other)) {
            SseProbe.Event err = sse.expect("error");
            assertEquals("invalid_position", err.data().get("error").asText());
            assertEquals(a, err.data().get("channel").asText());
            assertTrue(sse.expect("subscribed").data().get("resumed").asBoolean());
            bo.send(1);
            assertEquals(1, sse.expect("message").data().get("data").get("n").asInt());
        }
    }

    @Test
    void corsPreflightAllowsConfiguredOriginsOnly() throws Exception {
        try (TestGateway open = TestGateway.start(c -> c.withHttp(new io.chorus.gateway.config.HttpConfig(
                c.http().host(), c.http().port(), 1, c.http().maxFrameBytes(), c.http().maxMessageBytes(),
                c.http().maxBodyBytes(), java.util.List.of("http://app.example"), c.http().sdkDir(),
                c.http().transport(), false)))) {
            HttpResponse<String> ok = HTTP.send(HttpRequest.newBuilder(open.http("/v1/channels/x/messages"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://app.example")
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type,idempotency-key").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("http://app.example", ok.headers().firstValue("access-control-allow-origin").orElse(null));
            HttpResponse<String> other = HTTP.send(HttpRequest.newBuilder(open.http("/v1/poll?channel=x"))
                    .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
            assertFalse(other.headers().firstValue("access-control-allow-origin").isPresent());
        }
    }
}
