package io.chorus.gateway.transport.ably;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.auth.Capabilities;
import io.chorus.gateway.session.Out;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Token renewal on a live connection, in the translator without sockets: AUTH from the client applies
 * the new capabilities and is confirmed by CONNECTED on the same connection (RTC8a1), a refused token
 * fails the connection (RTC8a2), and the session's expiry warning becomes a server AUTH (RTN22) at the
 * delay the renewal says, dropped when a renewal came first.
 */
class AblyTokenRenewalTest {

    /** The renewals the translator asks for; timers run when the test says. */
    private static final class Renewals implements AblyTranslator.Renewal {
        final List<Runnable> timers = new ArrayList<>();
        final List<Long> delays = new ArrayList<>();
        final List<String> renewedWith = new ArrayList<>();
        Capabilities next;
        AblyRefusal refusal;
        /** Set to have renew() do what the session does: arm the new expiry, which may warn at once. */
        AblyTranslator warnDuringRenew;

        @Override
        public Capabilities renew(String accessToken) {
            renewedWith.add(accessToken);
            if (refusal != null) {
                throw refusal;
            }
            if (warnDuringRenew != null) {
                warnDuringRenew.fromSession(Out.AUTH_EXPIRING, Buffer.buffer("{\"type\":\"auth_expiring\"}"));
            }
            return next;
        }

        @Override
        public long authDelayMs() {
            return 2500;
        }

        @Override
        public void later(long delayMs, Runnable action) {
            delays.add(delayMs);
            timers.add(action);
        }
    }

    private final AblyRecorder peer = new AblyRecorder();
    private final Renewals renewals = new Renewals();

    @AfterEach
    void nothingUnexpected() {
        peer.assertExhausted();
    }

    private AblyTranslator translator(String pattern) {
        AblyTranslator t = peer.translator("alice", Map.of(pattern, List.of("publish")), "access_token=t1", 10);
        t.renewWith(renewals);
        return t;
    }

    private static Capabilities caps(String pattern) {
        return Capabilities.of(AblyKeys.translate(Map.of(pattern, List.of("publish"))));
    }

    @Test
    void anAuthReplacesTheCapabilitiesOnTheSameConnection() {
        AblyTranslator t = translator("a:*");
        t.fromClient("{\"action\":10,\"channel\":\"b:1\",\"flags\":131072}"); // ATTACH, PUBLISH mode
        assertEquals(AblyProtocol.ERROR, peer.client().get("action").asInt(), "b:* is not allowed yet");

        renewals.next = caps("b:*");
        t.fromClient("{\"action\":17,\"auth\":{\"accessToken\":\"t2\"}}");
        JsonNode connected = peer.client();
        assertEquals(AblyProtocol.CONNECTED, connected.get("action").asInt());
        assertEquals("a-conn", connected.get("connectionId").asText(), "the same connection (RTC8a1)");
        assertEquals(List.of("t2"), renewals.renewedWith);

        t.fromClient("{\"action\":10,\"channel\":\"b:1\",\"flags\":131072}");
        JsonNode attached = peer.client();
        assertEquals(AblyProtocol.ATTACHED, attached.get("action").asInt(), "allowed by the new token");
        assertFalse(peer.ended);
    }

    @Test
    void aRefusedTokenFailsTheConnectionWithItsCode() {
        AblyTranslator t = translator("a:*");
        renewals.refusal = new AblyRefusal(AblyError.of(AblyCode.INCOMPATIBLE_CREDENTIALS, "another clientId"));
        t.fromClient("{\"action\":17,\"auth\":{\"accessToken\":\"t2\"}}");
        JsonNode error = peer.client();
        assertEquals(AblyProtocol.ERROR, error.get("action").asInt());
        assertEquals(40102, error.path("error").path("code").asInt());
        assertTrue(peer.ended);
    }

    @Test
    void anAuthWithoutATokenIsAProtocolError() {
        AblyTranslator t = translator("a:*");
        t.fromClient("{\"action\":17,\"auth\":{}}");
        assertEquals(80013, peer.client().path("error").path("code").asInt());
        assertTrue(peer.ended);
        assertEquals(List.of(), renewals.renewedWith);
    }

    @Test
    void theExpiryWarningBecomesAServerAuthUnlessARenewalCameFirst() {
        AblyTranslator t = translator("a:*");
        t.fromSession(Out.AUTH_EXPIRING, Buffer.buffer("{\"type\":\"auth_expiring\"}"));
        assertEquals(List.of(2500L), renewals.delays, "asked at the delay the renewal computes");
        assertTrue(peer.toClient.isEmpty(), "not at once");
        renewals.timers.get(0).run();
        assertEquals(AblyProtocol.AUTH, peer.client().get("action").asInt());

        t.fromSession(Out.AUTH_EXPIRING, Buffer.buffer("{\"type\":\"auth_expiring\"}"));
        renewals.next = caps("a:*");
        renewals.warnDuringRenew = t; // a short-lived new token: the session warns during the renewal
        t.fromClient("{\"action\":17,\"auth\":{\"accessToken\":\"t3\"}}");
        assertEquals(AblyProtocol.CONNECTED, peer.client().get("action").asInt());
        assertEquals(3, renewals.timers.size());
        renewals.timers.get(1).run(); // scheduled for the token just replaced
        assertTrue(peer.toClient.isEmpty(), "no AUTH for a token already renewed");
        renewals.timers.get(2).run(); // scheduled for the new token
        assertEquals(AblyProtocol.AUTH, peer.client().get("action").asInt(), "the new token is renewed in turn");
    }
}
