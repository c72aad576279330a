package io.chorus.gateway.transport.ably;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.auth.Capabilities;
import io.chorus.gateway.session.Out;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
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

    /** The client's ProtocolMessages and the session's frames, in order; timers run when the test says. */
    private static final class Recorder implements AblyTranslator.Peer, AblyTranslator.Renewal {
        final ArrayDeque<JsonNode> toClient = new ArrayDeque<>();
        final ArrayDeque<JsonNode> toSession = new ArrayDeque<>();
        final List<Runnable> timers = new ArrayList<>();
        final List<Long> delays = new ArrayList<>();
        final List<String> renewedWith = new ArrayList<>();
        Capabilities next;
        AblyRefusal refusal;
        /** Set to have renew() do what the session does: arm the new expiry, which may warn at once. */
        AblyTranslator warnDuringRenew;
        boolean ended;

        @Override
        public void toSession(Buffer frame) {
            toSession.add(json(frame.toString()));
        }

        @Override
        public void activity() {
        }

        @Override
        public void toClient(String pm) {
            toClient.add(json(pm));
        }

        @Override
        public void end() {
            ended = true;
        }

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

        JsonNode client() {
            assertFalse(toClient.isEmpty(), "a ProtocolMessage for the client");
            return toClient.poll();
        }
    }

    private final Recorder peer = new Recorder();

    @AfterEach
    void nothingUnexpected() {
        assertEquals(List.of(), List.copyOf(peer.toClient), "ProtocolMessages left for the client");
        assertEquals(List.of(), List.copyOf(peer.toSession), "frames left for the session");
    }

    private AblyTranslator translator(String pattern) {
        Map<String, String> q = Map.of("v", "6", "format", "json", "access_token", "t1");
        AblyTranslator t = new AblyTranslator(peer, new AblyFrames.Details("a-conn", "a-conn!k", "alice", 64512, 262144,
                50, 120_000, 15_000), caps(pattern), ConnectParams.parse(q::get), new AblyTranslator.Limits(3, 10),
                new MessageFrames(), new AblyMetrics(new SimpleMeterRegistry()));
        t.renewWith(peer);
        return t;
    }

    private static Capabilities caps(String pattern) {
        return Capabilities.of(AblyKeys.translate(Map.of(pattern, List.of("publish"))));
    }

    private static JsonNode json(String s) {
        try {
            return MessageCodec.JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anAuthReplacesTheCapabilitiesOnTheSameConnection() {
        AblyTranslator t = translator("a:*");
        t.fromClient("{\"action\":10,\"channel\":\"b:1\",\"flags\":131072}"); // ATTACH, PUBLISH mode
        assertEquals(AblyProtocol.ERROR, peer.client().get("action").asInt(), "b:* is not allowed yet");

        peer.next = caps("b:*");
        t.fromClient("{\"action\":17,\"auth\":{\"accessToken\":\"t2\"}}");
        JsonNode connected = peer.client();
        assertEquals(AblyProtocol.CONNECTED, connected.get("action").asInt());
        assertEquals("a-conn", connected.get("connectionId").asText(), "the same connection (RTC8a1)");
        assertEquals(List.of("t2"), peer.renewedWith);

        t.fromClient("{\"action\":10,\"channel\":\"b:1\",\"flags\":131072}");
        JsonNode attached = peer.client();
        assertEquals(AblyProtocol.ATTACHED, attached.get("action").asInt(), "allowed by the new token");
        assertFalse(peer.ended);
    }

    @Test
    void aRefusedTokenFailsTheConnectionWithItsCode() {
        AblyTranslator t = translator("a:*");
        peer.refusal = new AblyRefusal(AblyError.of(AblyCode.INCOMPATIBLE_CREDENTIALS, "another clientId"));
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
        assertEquals(List.of(), peer.renewedWith);
    }

    @Test
    void theExpiryWarningBecomesAServerAuthUnlessARenewalCameFirst() {
        AblyTranslator t = translator("a:*");
        t.fromSession(Out.AUTH_EXPIRING, Buffer.buffer("{\"type\":\"auth_expiring\"}"));
        assertEquals(List.of(2500L), peer.delays, "asked at the delay the renewal computes");
        assertTrue(peer.toClient.isEmpty(), "not at once");
        peer.timers.get(0).run();
        assertEquals(AblyProtocol.AUTH, peer.client().get("action").asInt());

        t.fromSession(Out.AUTH_EXPIRING, Buffer.buffer("{\"type\":\"auth_expiring\"}"));
        peer.next = caps("a:*");
        peer.warnDuringRenew = t; // a short-lived new token: the session warns during the renewal
        t.fromClient("{\"action\":17,\"auth\":{\"accessToken\":\"t3\"}}");
        assertEquals(AblyProtocol.CONNECTED, peer.client().get("action").asInt());
        assertEquals(3, peer.timers.size());
        peer.timers.get(1).run(); // scheduled for the token just replaced
        assertTrue(peer.toClient.isEmpty(), "no AUTH for a token already renewed");
        peer.timers.get(2).run(); // scheduled for the new token
        assertEquals(AblyProtocol.AUTH, peer.client().get("action").asInt(), "the new token is renewed in turn");
    }
}
