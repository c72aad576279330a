package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.testing.TestClock;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.WsProbe;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Rate limits and load shedding answer with their codes and a retry-after, and the pod keeps serving
 * health checks and the clients it has. The clock is frozen, so token buckets refill only when the
 * test advances it.
 */
class ProtectionIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> get(TestGateway g, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(g.http(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void publishesAndSubscribesBeyondTheirRateAreRefusedWithRetryAfterUntilTheBucketRefills() throws Exception {
        TestClock clock = new TestClock();
        String ns = TestGateway.freshNamespace();
        try (TestGateway g = TestGateway.start(TestGateway.limits(100, 100, 100, 2, 2), clock);
             WsProbe p = WsProbe.connect(g.wsUri())) {
            for (int i = 0; i < 3; i++) {
                p.send("{\"type\":\"publish\",\"ref\":\"p" + i + "\",\"channel\":\"" + ns + ":r\",\"data\":" + i + "}");
            }
            int acks = 0;
            JsonNode limited = null;
            for (int i = 0; i < 3; i++) {
                JsonNode f = p.awaitFrame(n -> n.has("ref"), Duration.ofSeconds(20));
                if ("ack".equals(f.get("type").asText())) {
                    acks++;
                } else {
                    limited = f;
                }
            }
            assertEquals(2, acks);
            assertEquals("rate_limited", limited.get("error").asText());
            assertTrue(limited.get("retryAfterMs").asLong() > 0);
            assertEquals(200, get(g, "/health/live").statusCode(), "health answers meanwhile");
            clock.advance(Duration.ofSeconds(1));
            p.send("{\"type\":\"publish\",\"ref\":\"again\",\"channel\":\"" + ns + ":r\",\"data\":9}");
            assertEquals("ack", p.awaitFrame(n -> "again".equals(n.path("ref").asText()), Duration.ofSeconds(20))
                    .get("type").asText());

            for (int i = 0; i < 3; i++) {
                p.send("{\"type\":\"subscribe\",\"ref\":\"s" + i + "\",\"channel\":\"" + ns + ":c" + i + "\"}");
            }
            JsonNode third = p.awaitFrame(n -> "s2".equals(n.path("ref").asText()), Duration.ofSeconds(20));
            assertEquals("rate_limited", third.get("error").asText());
        }
    }

    @Test
    void connectionsBeyondTheCapAreRefusedWith503OnEveryTransportWhileExistingOnesKeepWorking() throws Exception {
        try (TestGateway g = TestGateway.start(TestGateway.limits(2, 100, 100, 50, 50), new TestClock());
             WsProbe a = WsProbe.connect(g.wsUri()); WsProbe b = WsProbe.connect(g.wsUri())) {
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> WsProbe.connect(g.wsUri()));
            WebSocketHandshakeException hs = (WebSocketHandshakeException) refused.getCause();
            assertEquals(503, hs.getResponse().statusCode());
            for (String path : new String[] {"/v1/poll?channel=x", "/v1/sse?channel=x"}) {
                HttpResponse<String> r = get(g, path);
                assertEquals(503, r.statusCode(), path);
                assertEquals("overloaded", WsProbe.JSON.readTree(r.body()).get("error").asText());
                assertTrue(r.headers().firstValue("retry-after").isPresent());
            }
            assertEquals(200, get(g, "/health/live").statusCode());
            a.assertNoMoreFrames();
            b.close();
            io.chorus.gateway.testing.Conditions.await("slot freed", Duration.ofSeconds(10),
                    () -> g.gateway().admission().open() == 1);
            WsProbe.connect(g.wsUri()).close();
        }
    }

    @Test
    void newConnectionsFasterThanThePerAddressRateAreRefusedUntilTimePasses() throws Exception {
        TestClock clock = new TestClock();
        try (TestGateway g = TestGateway.start(TestGateway.limits(100, 100, 2, 50, 50), clock)) {
            WsProbe.connect(g.wsUri()).close();
            WsProbe.connect(g.wsUri()).close();
            HttpResponse<String> third = get(g, "/v1/poll?channel=x");
            assertEquals(503, third.statusCode());
            JsonNode body = WsProbe.JSON.readTree(third.body());
            assertEquals("overloaded", body.get("error").asText());
            assertTrue(body.get("retryAfterMs").asLong() > 0);
            clock.advance(Duration.ofSeconds(1));
            WsProbe.connect(g.wsUri()).close();
        }
    }

    @Test
    void publishesOfOneClientAreLimitedAcrossItsConnections() throws Exception {
        TestClock clock = new TestClock();
        String ns = TestGateway.freshNamespace();
        try (TestGateway g = TestGateway.start(c -> TestGateway.limits(100, 100, 100, 50, 50).apply(c)
                .withLimits(new io.chorus.gateway.config.LimitsConfig(100, 100, 100, 1000, 50, 3, 50))
                .withAuth(io.chorus.gateway.testing.TestTokens.hs256Config(io.chorus.gateway.testing.TestTokens.SECRET,
                        Duration.ZERO)), clock)) {
            String token = io.chorus.gateway.testing.TestTokens.hs256(io.chorus.gateway.testing.TestTokens.claims(
                    "zoe", 3600, java.util.Map.of("*", new String[] {"publish"})));
            java.net.URI uri = java.net.URI.create(g.wsUri() + "?token=" + token);
            try (WsProbe a = WsProbe.connect(uri); WsProbe b = WsProbe.connect(uri)) {
                int acks = 0;
                int limited = 0;
                for (int i = 0; i < 4; i++) {
                    WsProbe p = i % 2 == 0 ? a : b;
                    p.send("{\"type\":\"publish\",\"ref\":\"p" + i + "\",\"channel\":\"" + ns + ":r\",\"data\":1}");
                    String ref = "p" + i;
                    JsonNode f = p.awaitFrame(n -> ref.equals(n.path("ref").asText()), Duration.ofSeconds(20));
                    if ("ack".equals(f.get("type").asText())) {
                        acks++;
                    } else {
                        assertEquals("rate_limited", f.get("error").asText());
                        limited++;
                    }
                }
                assertEquals(3, acks, "the client's burst, shared by its two connections");
                assertEquals(1, limited);
            }
        }
    }
}
