package io.chorus.gateway;

import static io.chorus.gateway.testing.HalfOpenClient.CLOSE;
import static io.chorus.gateway.testing.HalfOpenClient.PING;
import static io.chorus.gateway.testing.HalfOpenClient.PONG;
import static io.chorus.gateway.testing.HalfOpenClient.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.HalfOpenClient;
import io.chorus.gateway.testing.HalfOpenClient.Frame;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.schema.CloseReason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The WebSocket wire as the gateway's own handler speaks it after taking the socket over from Vert.x:
 * the handshake, control frames, the close handshake both ways and its timeout, the frame limit, and
 * a socket's resources going back when it ends, however it ends.
 */
class WebSocketWireIT {

    private static TestGateway gateway;
    /** Closes a connection that sends nothing for 800 ms: a server-side close on demand. */
    private static TestGateway idle;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
        idle = TestGateway.start(TestGateway.heartbeat(Duration.ofMillis(200), Duration.ofMillis(800)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        idle.close();
    }

    private static HalfOpenClient connect(TestGateway g) throws Exception {
        HalfOpenClient c = new HalfOpenClient(g.gateway().port(), "/v1/ws");
        assertEquals("connected", WsProbe.JSON.readTree(c.readText()).get("type").asText());
        return c;
    }

    @Test
    void aClientsCloseIsAnsweredWithItsCodeAndReasonAndThenTheSocketEnds() throws Exception {
        try (HalfOpenClient c = connect(gateway)) {
            c.sendClose(4321, "see you");
            Frame answer = c.readFrame(CLOSE);
            assertEquals(4321, answer.closeCode());
            assertEquals("see you", answer.closeReason());
            c.awaitEnd(5_000);
        }
    }

    @Test
    void aServerCloseCarriesItsCodeAndReasonAndTheSocketEndsWhenTheClientAnswers() throws Exception {
        try (HalfOpenClient c = connect(idle)) {
            Frame close = c.readFrame(CLOSE);
            assertEquals(CloseReason.IDLE_TIMEOUT.code(), close.closeCode());
            assertEquals(CloseReason.IDLE_TIMEOUT.wireName(), close.closeReason());
            c.sendClose(close.closeCode(), "");
            // Well before the close timeout (10 s): the answer ended it.
            c.awaitEnd(5_000);
        }
    }

    @Test
    void aServerCloseThatTheClientNeverAnswersEndsTheSocketAfterTheCloseTimeout() throws Exception {
        try (HalfOpenClient c = connect(idle)) {
            assertEquals(CloseReason.IDLE_TIMEOUT.code(), c.readFrame(CLOSE).closeCode());
            long sent = System.nanoTime();
            c.awaitEnd(20_000);
            long waitedMs = (System.nanoTime() - sent) / 1_000_000;
            // The client had its time to answer: the socket was not cut at once.
            assertTrue(waitedMs >= 5_000, () -> "ended " + waitedMs + " ms after the close frame");
        }
    }

    @Test
    void aFrameLargerThanMaxFrameBytesClosesWith1009() throws Exception {
        int limit = gateway.gateway().config().http().maxFrameBytes();
        try (HalfOpenClient c = connect(gateway)) {
            c.sendFrameHead(TEXT, limit + 1L); // the header alone is refused; the payload never comes
            assertEquals(1009, c.readFrame(CLOSE).closeCode());
            c.awaitEnd(5_000); // half-closed at once: the decoder reads no more frames
        }
    }

    @Test
    void aPingIsAnsweredWithAPongCarryingItsPayload() throws Exception {
        try (HalfOpenClient c = connect(gateway)) {
            c.sendFrame(PING, "abc".getBytes(StandardCharsets.UTF_8));
            assertEquals("abc", c.readFrame(PONG).text());
        }
    }

    @Test
    void anOfferOfPermessageDeflateIsDeclinedAndFramesGoUncompressed() throws Exception {
        try (HalfOpenClient c = new HalfOpenClient(gateway.gateway().port(), "/v1/ws",
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n", new byte[0])) {
            assertFalse(c.responseHead().toLowerCase(Locale.ROOT).contains("sec-websocket-extensions"),
                    c::responseHead);
            Frame first = c.readFrame();
            assertEquals(0x81, first.first(), "FIN and text, no RSV1 (compressed) bit");
            assertEquals("connected", WsProbe.JSON.readTree(first.text()).get("type").asText());
        }
    }

    @Test
    void framesSentRightBehindTheHandshakeAreRead() throws Exception {
        byte[] early = HalfOpenClient.frame(TEXT, "{\"type\":\"ping\",\"ref\":\"early\"}".getBytes(StandardCharsets.UTF_8));
        try (HalfOpenClient c = new HalfOpenClient(gateway.gateway().port(), "/v1/ws", "", early)) {
            assertEquals("connected", WsProbe.JSON.readTree(c.readText()).get("type").asText());
            JsonNode pong = WsProbe.JSON.readTree(c.readReply());
            assertEquals("pong", pong.get("type").asText());
            assertEquals("early", pong.get("ref").asText());
        }
    }

    static List<Arguments> badHandshakes() {
        String host = "GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
        String key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        return List.of(
                Arguments.of("no key", host + upgrade + "Sec-WebSocket-Version: 13\r\n\r\n"),
                Arguments.of("a key that is no 16-byte nonce", host + upgrade
                        + "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n"),
                Arguments.of("version 8", host + upgrade + key + "Sec-WebSocket-Version: 8\r\n\r\n"),
                Arguments.of("no version", host + upgrade + key + "\r\n"),
                Arguments.of("no upgrade", host + key + "Sec-WebSocket-Version: 13\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHandshakes")
    void aBadHandshakeGetsAClearHttpError(String what, String request) throws Exception {
        String answer = HalfOpenClient.exchange(gateway.gateway().port(), request);
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.toLowerCase(Locale.ROOT).contains("sec-websocket-version: 13"), answer);
        JsonNode body = WsProbe.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertEquals("invalid_field", body.get("error").asText(), answer);
    }

    @Test
    void aClientThatResetsTheConnectionReleasesItsSlotAndSubscriptions() throws Exception {
        String ns = TestGateway.freshNamespace();
        try (TestGateway own = TestGateway.start(); HalfOpenClient c = connect(own)) {
            c.sendText("{\"type\":\"subscribe\",\"ref\":\"1\",\"channel\":\"" + ns + ":a\"}");
            c.sendText("{\"type\":\"subscribe\",\"ref\":\"2\",\"channel\":\"" + ns + ":b\"}");
            assertEquals("subscribed", WsProbe.JSON.readTree(c.readReply()).get("type").asText());
            assertEquals("subscribed", WsProbe.JSON.readTree(c.readReply()).get("type").asText());
            Conditions.await("one ws connection, two subscriptions", Duration.ofSeconds(10),
                    () -> connections(own) == 1 && subscriptions(own) == 2);
            c.reset();
            Conditions.await("the slot and subscriptions back", Duration.ofSeconds(10),
                    () -> connections(own) == 0 && subscriptions(own) == 0);
        }
    }

    @Test
    void closingTheGatewayEndsItsWebSockets() throws Exception {
        TestGateway own = TestGateway.start();
        try (HalfOpenClient c = connect(own)) {
            own.close();
            c.awaitEnd(10_000);
        }
    }

    private static double connections(TestGateway g) {
        return g.gateway().metrics().registry().get("chorus_connections").tag("transport", "ws")
                .gauge().value();
    }

    private static double subscriptions(TestGateway g) {
        return g.gateway().metrics().registry().get("chorus_subscriptions").gauge().value();
    }
}
