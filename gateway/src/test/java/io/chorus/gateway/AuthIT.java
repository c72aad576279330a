package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.TestTokens;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.schema.CloseReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tokens, capabilities per transport, API keys, in-band refresh and expiry, in production policy. */
class AuthIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String NS = TestGateway.freshNamespace();
    private static TestGateway gateway;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("rsa.pem"), TestTokens.pem(TestTokens.RSA));
        Files.writeString(dir.resolve("ec.pem"), TestTokens.pem(TestTokens.EC));
        Path yaml = dir.resolve("chorus.yaml");
        Files.writeString(yaml, "auth:\n"
                + "  hmacSecret: " + TestTokens.SECRET + "\n"
                + "  publicKeyFiles: [" + dir.resolve("rsa.pem") + ", " + dir.resolve("ec.pem") + "]\n"
                + "  clockSkew: 0s\n"
                + "  maxTokenBytes: 4096\n"
                + "  expiryWarning: 2s\n"
                + "  apiKeys:\n"
                + "    backend: {key: k-123-secret, capabilities: {\"" + NS + ":*\": [publish, history]}}\n");
        Map<String, String> env = TestGateway.env();
        env.put("CHORUS_NAMESPACES_ALLOW_ANY", "true");
        gateway = TestGateway.start(c -> ConfigLoader.load(false, yaml, env));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static ObjectNode claims(String sub, long expiresIn) {
        return TestTokens.claims(sub, expiresIn, Map.of(NS + ":chat:*", new String[] {"subscribe"},
                NS + ":votes:*", new String[] {"publish"}, NS + ":hist:*", new String[] {"history"}));
    }

    static URI ws(String token) {
        return URI.create(gateway.wsUri() + "?token=" + token);
    }

    @Test
    void tokensSignedWithHs256Rs256AndEs256AreAcceptedAndNameTheClient() throws Exception {
        for (String token : List.of(TestTokens.hs256(claims("alice", 60)), TestTokens.rs256(claims("bob", 60)),
                TestTokens.es256(claims("carol", 60)))) {
            try (WsProbe p = WsProbe.open(ws(token))) {
                JsonNode connected = p.expect("connected");
                assertTrue(List.of("alice", "bob", "carol").contains(connected.get("clientId").asText()));
                p.assertNoMoreFrames();
            }
        }
    }

    static List<Arguments> refusedTokens() {
        ObjectNode ok = claims("mallory", 60);
        ObjectNode expired = claims("mallory", -120);
        ObjectNode notYet = claims("mallory", 600).put("nbf", System.currentTimeMillis() / 1000 + 300);
        ObjectNode badCaps = claims("mallory", 60);
        badCaps.putObject("chorus").putArray("chat:*").add("fly");
        ObjectNode noSub = claims("mallory", 60);
        noSub.remove("sub");
        // Reported: exp * 1000 overflowed to a far future and this token was accepted (200, not 401).
        ObjectNode overflowing = claims("mallory", 60).put("exp", -14446744073709551L);
        ObjectNode milliseconds = claims("mallory", 60).put("exp", System.currentTimeMillis() + 60_000);
        String hs = TestTokens.hs256(ok);
        String forged = hs.substring(0, hs.lastIndexOf('.') + 1) + "AAAA" + hs.substring(hs.lastIndexOf('.') + 5);
        return List.of(
                Arguments.of("none", "", "token_required", CloseReason.UNAUTHORIZED),
                Arguments.of("forged signature", forged, "token_invalid", CloseReason.UNAUTHORIZED),
                Arguments.of("alg none", TestTokens.withAlg("none", ok, false), "token_invalid", CloseReason.UNAUTHORIZED),
                Arguments.of("alg HS512", TestTokens.withAlg("HS512", ok, true), "token_invalid", CloseReason.UNAUTHORIZED),
                Arguments.of("RS256 header, HMAC bytes", TestTokens.withAlg("RS256", ok, true), "token_invalid",
                        CloseReason.UNAUTHORIZED),
                Arguments.of("expired", TestTokens.hs256(expired), "token_expired", CloseReason.TOKEN_EXPIRED),
                Arguments.of("exp overflowing", TestTokens.hs256(overflowing), "token_expired", CloseReason.TOKEN_EXPIRED),
                Arguments.of("exp in milliseconds", TestTokens.hs256(milliseconds), "token_invalid",
                        CloseReason.UNAUTHORIZED),
                Arguments.of("not yet valid", TestTokens.hs256(notYet), "token_not_yet_valid", CloseReason.TOKEN_EXPIRED),
                Arguments.of("malformed", "abc.def", "token_invalid", CloseReason.UNAUTHORIZED),
                Arguments.of("not base64 JSON", "e30.%%%.e30", "token_invalid", CloseReason.UNAUTHORIZED),
                Arguments.of("oversized", "a".repeat(5000), "token_too_large", CloseReason.UNAUTHORIZED),
                Arguments.of("bad capabilities", TestTokens.hs256(badCaps), "token_invalid", CloseReason.UNAUTHORIZED),
                Arguments.of("no sub", TestTokens.hs256(noSub), "token_invalid", CloseReason.UNAUTHORIZED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void refusedTokensGetTheirCodeOnWebSocketAndOverHttp(String what, String token, String error, CloseReason close)
            throws Exception {
        String q = token.isEmpty() ? "" : "?token=" + java.net.URLEncoder.encode(token, "UTF-8");
        try (WsProbe p = WsProbe.open(URI.create(gateway.wsUri() + q))) {
            assertEquals(error, p.expect("error").get("error").asText());
            assertEquals(close.code(), p.awaitClose(Duration.ofSeconds(10)));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.http("/v1/channels/" + NS + ":hist:a/messages"));
        if (!token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(error, WsProbe.JSON.readTree(r.body()).path("error").asText(), () -> r.statusCode() + " " + r.body());
        assertEquals(401, r.statusCode());
    }

    static int status(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.http(path)).header("content-type", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void everyOperationIsCheckedAgainstCapabilitiesOnEveryTransport() throws Exception {
        String token = TestTokens.hs256(claims("dave", 60));
        String bearer = "Bearer " + token;
        String chat = NS + ":chat:a";
        String votes = NS + ":votes:q1";
        String hist = NS + ":hist:x";
        try (WsProbe p = WsProbe.open(ws(token))) {
            p.expect("connected");
            p.send("{\"type\":\"subscribe\",\"ref\":\"1\",\"channel\":\"" + chat + "\"}");
            assertEquals("subscribed", p.expect("subscribed").get("type").asText());
            p.send("{\"type\":\"subscribe\",\"ref\":\"2\",\"channel\":\"" + votes + "\"}");
            assertEquals("forbidden", p.expect("error").get("error").asText());
            p.send("{\"type\":\"publish\",\"ref\":\"3\",\"channel\":\"" + votes + "\",\"data\":1}");
            assertEquals("ack", p.expect("ack").get("type").asText());
            p.send("{\"type\":\"publish\",\"ref\":\"4\",\"channel\":\"" + chat + "\",\"data\":1}");
            assertEquals("forbidden", p.expect("error").get("error").asText());
            p.assertNoMoreFrames();
        }
        String tok = "&token=" + token;
        assertEquals(200, status("GET", "/v1/poll?channel=" + chat + tok, null, null));
        assertEquals(403, status("GET", "/v1/poll?channel=" + votes + tok, null, null));
        assertEquals(403, status("GET", "/v1/sse?channel=" + chat + "&channel=" + votes + tok, null, null));
        assertEquals(401, status("GET", "/v1/poll?channel=" + chat, null, null));
        assertEquals(200, status("GET", "/v1/channels/" + hist + "/messages", bearer, null));
        assertEquals(403, status("GET", "/v1/channels/" + chat + "/messages", bearer, null));
        assertEquals(201, status("POST", "/v1/channels/" + votes + "/messages", bearer, "{\"data\":2}"));
        assertEquals(403, status("POST", "/v1/channels/" + chat + "/messages", bearer, "{\"data\":2}"));
        // A backend's API key: publish and history on its namespace, nothing elsewhere.
        assertEquals(201, status("POST", "/v1/channels/" + chat + "/messages", "Key k-123-secret", "{\"data\":3}"));
        assertEquals(200, status("GET", "/v1/channels/" + chat + "/messages", "Key k-123-secret", null));
        assertEquals(403, status("GET", "/v1/channels/other:x/messages", "Key k-123-secret", null));
        assertEquals(401, status("GET", "/v1/channels/" + chat + "/messages", "Key wrong", null));
    }

    @Test
    void publishesCarryTheAuthenticatedClientIdForBackends() throws Exception {
        String votes = NS + ":votes:cid";
        try (WsProbe p = WsProbe.open(ws(TestTokens.hs256(claims("erin", 60))))) {
            p.expect("connected");
            p.send("{\"type\":\"publish\",\"ref\":\"p\",\"channel\":\"" + votes + "\",\"id\":\"v-1\",\"data\":1}");
            p.expect("ack");
        }
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(Map.of(
                "bootstrap.servers", TestKafka.bootstrapServers()),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            String topic = "chorus." + NS;
            var parts = consumer.partitionsFor(topic).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            String client = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (client == null && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    var id = r.headers().lastHeader("chorus-id");
                    if (id != null && "v-1".equals(new String(id.value()))) {
                        client = new String(r.headers().lastHeader("chorus-client").value());
                    }
                }
            }
            assertEquals("erin", client);
        }
    }

    @Test
    void aTokenRefreshedInBandKeepsTheStreamGapFreeAndAnUnrefreshedOneClosesAtExpiry() throws Exception {
        String chat = NS + ":chat:refresh";
        long expiresIn = 4;
        try (Backend backend = new Backend(NS, chat); WsProbe p = WsProbe.open(ws(TestTokens.hs256(claims("fay", expiresIn))));
             WsProbe lapsing = WsProbe.open(ws(TestTokens.hs256(claims("gus", expiresIn))))) {
            long exp = p.expect("connected").path("expiresAt").asLong();
            assertTrue(Math.abs(exp - (System.currentTimeMillis() + expiresIn * 1000)) < 3000, "connected.expiresAt " + exp);
            lapsing.expect("connected");
            ResumeIT.subscribed(p, chat, "");
            backend.sendRange(0, 3);
            ResumeIT.expectRange(p, 0, 3);
            JsonNode warning = p.expect("auth_expiring");
            long oldExpiry = warning.get("expiresAt").asLong();
            p.send("{\"type\":\"auth\",\"ref\":\"wrong\",\"token\":\"" + TestTokens.hs256(claims("not-fay", 60)) + "\"}");
            assertEquals("token_invalid", p.expect("error").get("error").asText());
            p.send("{\"type\":\"auth\",\"ref\":\"r\",\"token\":\"" + TestTokens.hs256(claims("fay", 120)) + "\"}");
            JsonNode authed = p.expect("authed"); // before any warning about the new token
            assertEquals("fay", authed.get("clientId").asText());
            assertTrue(authed.get("expiresAt").asLong() > oldExpiry);
            backend.sendRange(3, 5);
            ResumeIT.expectRange(p, 3, 5);
            // The lapsing connection is warned, then closed at expiry; the refreshed one is not.
            assertEquals("auth_expiring", lapsing.expect("auth_expiring").get("type").asText());
            assertEquals(CloseReason.TOKEN_EXPIRED.code(), lapsing.awaitClose(Duration.ofSeconds(20)));
            Conditions.await("past the old expiry", Duration.ofSeconds(20),
                    () -> System.currentTimeMillis() > oldExpiry + 500);
            backend.sendRange(5, 7);
            ResumeIT.expectRange(p, 5, 7);
            assertFalse(p.isClosed());
            p.assertNoMoreFrames();
        }
    }
}
