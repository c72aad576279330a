package io.chorus.gateway.transport.ably;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.config.AblyConfig;
import io.chorus.gateway.config.AblyConfig.AblyKeyConfig;
import io.chorus.gateway.config.AblyConfig.AblyTokenConfig;
import io.chorus.gateway.testing.TestClock;
import io.chorus.schema.ChannelName;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Ably token auth without sockets: TokenRequests signed as ably-js signs them (auth.ts createTokenRequest:
 * HMAC-SHA256 of keyName, ttl, capability, clientId, timestamp and nonce, one per line, base64) become
 * tokens; every field is covered by the mac; timestamps, nonces, ttl and capabilities are checked; the
 * token verifies on any instance with the same keys, and not once expired or altered.
 */
class AblyTokensTest {

    private static final String KEY = "app.web";
    private static final String SECRET = "web-secret";
    private final TestClock clock = new TestClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AblyConfig config = new AblyConfig(true, Map.of(
            KEY, new AblyKeyConfig(SECRET, Map.of("chat:*", List.of("subscribe", "publish", "history"),
                    "scores:*", List.of("subscribe"))),
            "app.other", new AblyKeyConfig("other-secret", null)),
            Duration.ofMinutes(2), 100, "", null, new AblyTokenConfig(Duration.ofHours(1), Duration.ofHours(24),
                    Duration.ofMinutes(10), 3));
    private final AblyTokens tokens = new AblyTokens(config, clock, registry);
    private int nonces;

    /** A TokenRequest as ably-js builds it; {@code capability} is already canonical text, or null. */
    private ObjectNode request(Long ttl, String capability, String clientId, long timestamp, String secret) {
        String nonce = String.format("%016d", ++nonces);
        ObjectNode r = MessageCodec.JSON.createObjectNode().put("keyName", KEY).put("timestamp", timestamp)
                .put("nonce", nonce);
        if (ttl != null) {
            r.put("ttl", ttl);
        }
        if (capability != null) {
            r.put("capability", capability);
        }
        if (clientId != null) {
            r.put("clientId", clientId);
        }
        String text = KEY + "\n" + (ttl == null ? "" : ttl) + "\n" + (capability == null ? "" : capability) + "\n"
                + (clientId == null ? "" : clientId) + "\n" + timestamp + "\n" + nonce + "\n";
        return r.put("mac", mac(text, secret));
    }

    private static String mac(String text, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void refusedWith(int code, Executable e) {
        AblyRefusal r = assertThrows(AblyRefusal.class, e);
        assertEquals(code, r.error().code().code(), r.getMessage());
    }

    @Test
    void aSignedTokenRequestBecomesATokenThatAnotherInstanceVerifies() {
        ObjectNode td = tokens.requestToken(KEY, request(60_000L, "{\"chat:*\":[\"publish\",\"subscribe\"]}",
                "alice", clock.millis(), SECRET), null);
        assertEquals(KEY, td.get("keyName").asText());
        assertEquals("alice", td.get("clientId").asText());
        assertEquals("{\"chat:*\":[\"publish\",\"subscribe\"]}", td.get("capability").asText());
        assertTrue(td.get("expires").asLong() > clock.millis() && td.get("expires").asLong() <= clock.millis() + 60_000);

        AblyTokens elsewhere = new AblyTokens(config, clock, new SimpleMeterRegistry()); // another pod
        AblyTokens.Grant g = elsewhere.verify(td.get("token").asText());
        assertEquals("alice", g.clientId());
        Principal p = g.principal(g.effectiveClientId(null), "conn");
        assertEquals("alice", p.clientId());
        assertTrue(p.capabilities().allows(ChannelName.parse("chat:room"), Operation.PUBLISH));
        assertFalse(p.capabilities().allows(ChannelName.parse("chat:room"), Operation.HISTORY), "narrowed");
        assertFalse(p.capabilities().allows(ChannelName.parse("scores:1"), Operation.SUBSCRIBE), "narrowed");
        assertEquals(1.0, registry.counter("chorus_ably_tokens_issued").count());
    }

    @Test
    void withoutCapabilityOrTtlTheTokenHasTheKeysCapabilityForAnHour() {
        ObjectNode td = tokens.requestToken(KEY, request(null, null, null, clock.millis(), SECRET), null);
        assertEquals(AblyCapability.canonical(config.keys().get(KEY).capability()), td.get("capability").asText());
        assertNull(td.get("clientId"));
        assertEquals((clock.millis() + 3_600_000) / 1000 * 1000, td.get("expires").asLong());
        AblyTokens.Grant g = tokens.verify(td.get("token").asText());
        assertTrue(g.principal(null, "c").capabilities().allows(ChannelName.parse("chat:x"), Operation.HISTORY));
    }

    @Test
    void aMacFromAnotherSecretOrOverAlteredFieldsIsRefused() {
        refusedWith(40101, () -> tokens.requestToken(KEY, request(60_000L, null, null, clock.millis(), "guess"), null));
        ObjectNode altered = request(60_000L, "{\"chat:*\":[\"subscribe\"]}", "alice", clock.millis(), SECRET);
        altered.put("ttl", 86_400_000L);
        refusedWith(40101, () -> tokens.requestToken(KEY, altered, null));
        ObjectNode otherClient = request(60_000L, null, "alice", clock.millis(), SECRET);
        otherClient.put("clientId", "mallory");
        refusedWith(40101, () -> tokens.requestToken(KEY, otherClient, null));
        ObjectNode wider = request(60_000L, "{\"chat:*\":[\"subscribe\"]}", null, clock.millis(), SECRET);
        wider.put("capability", "{\"chat:*\":[\"history\",\"publish\",\"subscribe\"]}");
        refusedWith(40101, () -> tokens.requestToken(KEY, wider, null));
        refusedWith(40101, () -> tokens.requestToken("app.other", request(60_000L, null, null, clock.millis(), SECRET),
                null));
    }

    @Test
    void oldTimestampsAndReplayedNoncesAreRefused() {
        refusedWith(40104, () -> tokens.requestToken(KEY, request(null, null, null,
                clock.millis() - Duration.ofMinutes(11).toMillis(), SECRET), null));
        ObjectNode once = request(null, null, null, clock.millis(), SECRET);
        tokens.requestToken(KEY, once, null);
        refusedWith(40105, () -> tokens.requestToken(KEY, once, null));
    }

    @Test
    void theNonceCacheIsBoundedAndRefusesRatherThanForget() {
        for (int i = 0; i < 3; i++) {
            tokens.requestToken(KEY, request(null, null, null, clock.millis(), SECRET), null);
        }
        refusedWith(42910, () -> tokens.requestToken(KEY, request(null, null, null, clock.millis(), SECRET), null));
        clock.advance(Duration.ofMinutes(11)); // the window closed: those nonces can no longer be replayed
        tokens.requestToken(KEY, request(null, null, null, clock.millis(), SECRET), null);
    }

    @Test
    void aCapabilityBeyondTheKeysOrATtlBeyondTheMaximumIsRefused() {
        refusedWith(40160, () -> tokens.requestToken(KEY, request(null, "{\"scores:*\":[\"publish\"]}", null,
                clock.millis(), SECRET), null));
        refusedWith(40160, () -> tokens.requestToken(KEY, request(null, "{\"*\":[\"subscribe\"]}", null,
                clock.millis(), SECRET), null));
        refusedWith(40160, () -> tokens.requestToken(KEY, request(null, "{\"chat:*\":[\"*\"]}", null,
                clock.millis(), SECRET), null));
        refusedWith(40003, () -> tokens.requestToken(KEY, request(Duration.ofHours(25).toMillis(), null, null,
                clock.millis(), SECRET), null));
        refusedWith(40012, () -> tokens.requestToken(KEY, request(null, null, "has space", clock.millis(), SECRET),
                null));
    }

    @Test
    void tokenParamsNeedBasicAuthWithTheSameKey() {
        ObjectNode params = MessageCodec.JSON.createObjectNode().put("ttl", 5000).put("clientId", "bob");
        refusedWith(40101, () -> tokens.requestToken(KEY, params, null));
        refusedWith(40101, () -> tokens.requestToken(KEY, params, tokens.basic("app.other:other-secret")));
        refusedWith(40101, () -> tokens.basic(KEY + ":wrong"));
        ObjectNode td = tokens.requestToken(KEY, params, tokens.basic(KEY + ":" + SECRET));
        assertEquals("bob", tokens.verify(td.get("token").asText()).clientId());
    }

    @Test
    void anExpiredAlteredOrForeignTokenIsRefused() {
        String token = tokens.requestToken(KEY, request(5_000L, null, "alice", clock.millis(), SECRET), null)
                .get("token").asText();
        String[] parts = token.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("alice", "mallo");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        refusedWith(40101, () -> tokens.verify(forged));
        refusedWith(40144, () -> tokens.verify("not-a-jwt"));
        AblyTokens otherSecret = new AblyTokens(new AblyConfig(true, Map.of(KEY, new AblyKeyConfig("rotated", null)),
                null, 1), clock, registry);
        refusedWith(40101, () -> otherSecret.verify(token));
        clock.advance(Duration.ofSeconds(6));
        refusedWith(40142, () -> tokens.verify(token));
    }

    @Test
    void aTokenFixesTheClientIdUnlessItIsTheWildcard() {
        AblyTokens.Grant alice = tokens.verify(tokens.requestToken(KEY, request(null, null, "alice", clock.millis(),
                SECRET), null).get("token").asText());
        assertEquals("alice", alice.effectiveClientId(null));
        assertEquals("alice", alice.effectiveClientId("alice"));
        refusedWith(40102, () -> alice.effectiveClientId("bob"));
        AblyTokens.Grant none = tokens.verify(tokens.requestToken(KEY, request(null, null, null, clock.millis(),
                SECRET), null).get("token").asText());
        refusedWith(40102, () -> none.effectiveClientId("bob"));
        AblyTokens.Grant any = tokens.verify(tokens.requestToken(KEY, request(null, null, "*", clock.millis(),
                SECRET), null).get("token").asText());
        assertEquals("bob", any.effectiveClientId("bob"));
    }
}
