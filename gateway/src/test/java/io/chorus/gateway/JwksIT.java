package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.JwksServer;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestTokens;
import io.chorus.gateway.testing.WsProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway with {@code auth.jwksUrl}, {@code auth.issuer} and {@code auth.audience}: a key rotated
 * in at the identity provider is fetched for its first token, which every transport and the HTTP API
 * then accept (the asynchronous path, back on the request's event loop).
 */
class JwksIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String NS = TestGateway.freshNamespace();
    private static final String ISSUER = "https://idp.example/";
    private static final KeyPair OLD = TestTokens.newKeyPair("RSA");
    private static final KeyPair NEW_RSA = TestTokens.newKeyPair("RSA");
    private static final KeyPair NEW_EC = TestTokens.newKeyPair("EC");
    private static JwksServer idp;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        idp = new JwksServer();
        idp.serve(200, TestTokens.jwks(Map.of("old", OLD)));
        Map<String, String> env = TestGateway.env();
        env.put("CHORUS_NAMESPACES_ALLOW_ANY", "true");
        env.put("CHORUS_AUTH_JWKS_URL", idp.url());
        env.put("CHORUS_AUTH_JWKS_MIN_REFRESH_INTERVAL", "0s");
        env.put("CHORUS_AUTH_ISSUER", ISSUER);
        env.put("CHORUS_AUTH_AUDIENCE", "chorus");
        gateway = TestGateway.start(c -> ConfigLoader.load(false, null, env));
        // The gateway fetches at start. A token with a new kid that arrives while that fetch is in
        // flight joins it (at most one fetch at a time), and the fetch may have been answered with the
        // key set from before the test published its key: wait until it has ended.
        Conditions.await("the gateway's first JWKS fetch", Duration.ofSeconds(10), () -> gateway.gateway().metrics()
                .registry().find("chorus_jwks_fetches").tag("result", "ok").counter() != null);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        idp.close();
    }

    private static ObjectNode claims(String sub) {
        ObjectNode c = TestTokens.claims(sub, 600, Map.of(NS + ":*", new String[] {"subscribe", "history"}));
        c.put("iss", ISSUER).putArray("aud").add("other").add("chorus");
        return c;
    }

    private static HttpResponse<String> history(String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(gateway.http("/v1/channels/" + NS + ":a/messages"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aKeyRotatedInIsFetchedForItsFirstTokenOverWebSocketAndHttp() throws Exception {
        idp.serve(200, TestTokens.jwks(Map.of("old", OLD)));
        assertEquals(200, history(TestTokens.signed(OLD, "old", claims("ann"))).statusCode());
        idp.serve(200, TestTokens.jwks(Map.of("old", OLD, "rsa-2", NEW_RSA)));
        try (WsProbe p = WsProbe.open(URI.create(gateway.wsUri() + "?token="
                + TestTokens.signed(NEW_RSA, "rsa-2", claims("bob"))))) {
            assertEquals("bob", p.expect("connected").get("clientId").asText());
            p.assertNoMoreFrames();
        }
        idp.serve(200, TestTokens.jwks(Map.of("ec-3", NEW_EC)));
        HttpResponse<String> r = history(TestTokens.signed(NEW_EC, "ec-3", claims("cid")));
        assertEquals(200, r.statusCode(), r.body());
        HttpResponse<String> retired = history(TestTokens.signed(OLD, "old", claims("ann")));
        assertEquals(401, retired.statusCode());
        assertEquals("token_invalid", WsProbe.JSON.readTree(retired.body()).path("error").asText());
        String metrics = HTTP.send(HttpRequest.newBuilder(gateway.http("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("chorus_jwks_fetches_total{result=\"ok\"}"), metrics);
    }

    @Test
    void theIssuerAndTheAudienceAreChecked() throws Exception {
        KeyPair key = TestTokens.newKeyPair("EC");
        idp.serve(200, TestTokens.jwks(Map.of("iss-test", key)));
        assertEquals(200, history(TestTokens.signed(key, "iss-test", claims("ann"))).statusCode());
        ObjectNode wrongIssuer = claims("eve").put("iss", "https://evil.example/");
        ObjectNode wrongAudience = claims("eve").put("aud", "billing");
        for (ObjectNode c : new ObjectNode[] {wrongIssuer, wrongAudience}) {
            HttpResponse<String> r = history(TestTokens.signed(key, "iss-test", c));
            assertEquals(401, r.statusCode());
            assertEquals("token_invalid", WsProbe.JSON.readTree(r.body()).path("error").asText());
        }
    }
}
