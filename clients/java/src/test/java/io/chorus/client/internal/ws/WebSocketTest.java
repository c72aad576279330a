package io.chorus.client.internal.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client WebSocket against a raw server: handshake, framing, control frames, limits, close. */
@Timeout(120) // a hang is a failure, not a stuck build
class WebSocketTest {

    private static final Duration WAIT = Duration.ofSeconds(RawServer.WAIT_SECONDS);

    private RawServer server;
    private final List<WebSocket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new RawServer();
    }

    @AfterEach
    void stop() throws IOException {
        sockets.forEach(WebSocket::abort);
        server.close();
    }

    private WebSocket open(WsConfig config, WsRecorder rec) {
        WebSocket ws = WebSocket.open(config, server.uri(), Map.of("Authorization", List.of("Bearer t0k")),
                WAIT.toMillis(), rec);
        sockets.add(ws);
        return ws;
    }

    private WebSocket open(WsRecorder rec) {
        return open(WsConfig.defaults(), rec);
    }

    @Test
    void theUpgradeCarriesAFreshKeyTheVersionAndTheGivenHeadersAndOpensOnTheRightAnswer() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(rec);
        RawPeer peer = server.accept();
        assertEquals("GET /v1/ws?x=1 HTTP/1.1", peer.requestLine);
        assertEquals("127.0.0.1:" + server.uri().getPort(), peer.header("host"));
        assertEquals("websocket", peer.header("upgrade"));
        assertEquals("Upgrade", peer.header("connection"));
        assertEquals("13", peer.header("sec-websocket-version"));
        assertEquals("Bearer t0k", peer.header("authorization"));
        assertEquals(16, java.util.Base64.getDecoder().decode(peer.header("sec-websocket-key")).length);

        // The first frame in the same write as the 101: it must not be lost between header and frames.
        peer.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + WsProtocol.acceptFor(peer.header("sec-websocket-key")) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), RawPeer.text("hello"));
        assertEquals(List.of("websocket"), rec.next(WsRecorder.Open.class).headers().get("upgrade"));
        assertEquals("hello", rec.expectText());

        WsRecorder other = new WsRecorder();
        open(other);
        assertFalse(peer.header("sec-websocket-key").equals(server.accept().header("sec-websocket-key")),
                "every upgrade gets its own key");
        ws.abort();
        rec.terminal(WAIT);
        rec.assertExhausted(ws);
    }

    @Test
    void aWrongAcceptKeyFailsTheHandshakeWithAClearError() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(rec);
        RawPeer peer = server.accept();
        peer.upgradeWith(WsProtocol.acceptFor("not the key we were sent"), "");
        HandshakeException e = rec.expectFailure(HandshakeException.class);
        assertEquals(101, e.status());
        assertTrue(e.getMessage().contains("Sec-WebSocket-Accept"), e.getMessage());
        assertTrue(peer.clientClosed(), "the client hung up");
        assertFalse(ws.sendText("too late"));
        rec.assertExhausted(ws);
    }

    @Test
    void aRefusedUpgradeReportsItsStatusAndHeaders() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(rec);
        server.accept().write("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        HandshakeException e = rec.expectFailure(HandshakeException.class);
        assertEquals(503, e.status());
        assertEquals("7", e.header("Retry-After"));
        rec.assertExhausted(ws);
    }

    @Test
    void anExtensionThatWasNotOfferedFailsTheHandshake() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(rec);
        RawPeer peer = server.accept();
        peer.upgradeWith(WsProtocol.acceptFor(peer.header("sec-websocket-key")),
                "Sec-WebSocket-Extensions: permessage-deflate\r\n");
        assertTrue(rec.expectFailure(HandshakeException.class).getMessage().contains("extension"));
        rec.assertExhausted(ws);
    }

    @Test
    void anEndlessHeaderFailsTheHandshakeInsteadOfFillingMemory() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(rec);
        RawPeer peer = server.accept();
        byte[] line = ("X-Filler: " + "y".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        peer.write("HTTP/1.1 101 Switching Protocols\r\n".getBytes(StandardCharsets.US_ASCII));
        try {
            for (int i = 0; i < 100; i++) {
                peer.write(line); // 100 KB of header, more than the 64 KB allowed
            }
        } catch (IOException e) {
            // the client hung up while we wrote: what the test is for
        }
        assertTrue(rec.expectFailure(HandshakeException.class).getMessage().contains("too long"));
        rec.assertExhausted(ws);
    }

    @Test
    void aServerThatNeverAnswersTheUpgradeFailsItWithinTheConnectTimeout() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = WebSocket.open(WsConfig.defaults(), server.uri(), Map.of(), 300, rec);
        sockets.add(ws);
        try (Socket mute = server.acceptRaw()) {
            rec.expectFailure(SocketTimeoutException.class);
            rec.assertExhausted(ws);
        }
    }

    @Test
    void aHeaderValueWithALineBreakIsNeverSent() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = WebSocket.open(WsConfig.defaults(), server.uri(),
                Map.of("Authorization", List.of("Bearer x\r\nX-Injected: 1")), WAIT.toMillis(), rec);
        sockets.add(ws);
        try (Socket s = server.acceptRaw()) {
            assertTrue(rec.expectFailure(IOException.class).getMessage().contains("line break"));
            assertEquals(-1, s.getInputStream().read(), "not a byte of the request went out");
        }
        rec.assertExhausted(ws);
    }

    @Test
    void clientFramesAreMaskedWithAFreshKeyEachAndGoOutInOrder() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(rec);
        RawPeer peer = server.acceptUpgraded();
        rec.next(WsRecorder.Open.class);
        String big = "é".repeat(40_000); // 80,000 bytes: the 64-bit length form
        assertTrue(ws.sendText("one"));
        assertTrue(ws.sendText("x".repeat(300))); // the 16-bit length form
        assertTrue(ws.sendText(big));
        Set<String> keys = new HashSet<>();
        for (String expected : new String[] {"one", "x".repeat(300), big}) {
            RawPeer.ClientFrame f = peer.expectFrame(WsProtocol.OP_TEXT); // readFrame asserts the mask bit
            assertTrue(f.fin());
            assertEquals(expected, f.text());
            keys.add(Arrays.toString(f.maskKey()));
        }
        assertEquals(3, keys.size(), "a new masking key for every frame");
        ws.abort();
        rec.terminal(WAIT);
        rec.assertExhausted(ws);
    }

    @Test
    void fragmentedMessagesAreReassembledAndControlFramesBetweenFragmentsAreServed() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(rec);
        RawPeer peer = server.acceptUpgraded();
        rec.next(WsRecorder.Open.class);
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // split inside a character on purpose
        peer.write(RawPeer.frame(false, WsProtocol.OP_TEXT, new byte[] {'a', euro[0]}),
                RawPeer.frame(true, WsProtocol.OP_PING, "p1".getBytes(StandardCharsets.UTF_8)),
                RawPeer.frame(false, WsProtocol.OP_CONTINUATION, new byte[] {euro[1], euro[2]}),
                RawPeer.frame(true, WsProtocol.OP_CONTINUATION, "b".getBytes(StandardCharsets.UTF_8)),
                RawPeer.frame(true, WsProtocol.OP_BINARY, new byte[5]),
                RawPeer.text("next"));
        assertEquals("a€b", rec.expectText());
        assertEquals(5, rec.next(WsRecorder.Binary.class).length());
        assertEquals("next", rec.expectText());
        assertEquals("p1", peer.expectFrame(WsProtocol.OP_PONG).text());
        ws.abort();
        rec.terminal(WAIT);
        rec.assertExhausted(ws);
    }

    @Test
    void aPingIsAnsweredWithAPongCarryingItsPayload() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(rec);
        RawPeer peer = server.acceptUpgraded();
        byte[] payload = {0, 1, 2, (byte) 0xff};
        peer.write(RawPeer.frame(true, WsProtocol.OP_PING, payload));
        assertArrayEquals(payload, peer.expectFrame(WsProtocol.OP_PONG).payload());
        peer.write(RawPeer.frame(true, WsProtocol.OP_PONG, new byte[0])); // unsolicited: ignored
        peer.write(RawPeer.text("still here"));
        rec.next(WsRecorder.Open.class);
        assertEquals("still here", rec.expectText());
        ws.abort();
        rec.terminal(WAIT);
        rec.assertExhausted(ws);
    }

    @Test
    void theServersCloseIsReportedAtOnceWithItsCodeAndReasonAndEchoed() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(rec);
        RawPeer peer = server.acceptUpgraded();
        rec.next(WsRecorder.Open.class);
        peer.write(RawPeer.close(4001, "server_shutdown"));
        WsRecorder.Closed closed = rec.next(WsRecorder.Closed.class);
        assertEquals(4001, closed.code());
        assertEquals("server_shutdown", closed.reason());
        RawPeer.ClientFrame echo = peer.expectFrame(WsProtocol.OP_CLOSE);
        assertEquals(4001, echo.closeCode());
        assertTrue(peer.clientClosed(), "after the handshake the client hangs up");
        assertFalse(ws.sendText("after the close"));
        rec.assertExhausted(ws);
    }

    @Test
    void aCloseWithoutACodeIsReportedAs1005AndAnsweredWithoutOne() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(rec);
        RawPeer peer = server.acceptUpgraded();
        peer.write(RawPeer.frame(true, WsProtocol.OP_CLOSE, new byte[0]));
        rec.next(WsRecorder.Open.class);
        assertEquals(WsProtocol.CLOSE_NO_STATUS, rec.next(WsRecorder.Closed.class).code());
        assertEquals(0, peer.expectFrame(WsProtocol.OP_CLOSE).payload().length);
        rec.assertExhausted(ws);
    }

    @Test
    void theClientsCloseGoesOutAfterQueuedFramesWithItsCodeAndTheServersAnswerIsReported() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(rec);
        RawPeer peer = server.acceptUpgraded();
        rec.next(WsRecorder.Open.class);
        ws.sendText("last");
        ws.close(1000, "client closed " + "z".repeat(200)); // a reason longer than a close frame holds
        assertFalse(ws.sendText("after close"), "nothing is queued after a close");
        assertEquals("last", peer.expectFrame(WsProtocol.OP_TEXT).text());
        RawPeer.ClientFrame close = peer.expectFrame(WsProtocol.OP_CLOSE);
        assertEquals(1000, close.closeCode());
        assertEquals(125, close.payload().length, "the reason is cut to fit");
        assertTrue(close.closeReason().startsWith("client closed zzz"));
        peer.write(RawPeer.close(1000, ""));
        assertEquals(1000, rec.next(WsRecorder.Closed.class).code());
        assertTrue(peer.clientClosed());
        rec.assertExhausted(ws);
    }

    @Test
    void aServerThatNeverAnswersTheCloseIsHungUpOnAfterTheGrace() throws Exception {
        WsRecorder rec = new WsRecorder();
        WsConfig quick = new WsConfig(null, null, null, null, 1024, 1024, Duration.ofMillis(200));
        WebSocket ws = open(quick, rec);
        RawPeer peer = server.acceptUpgraded();
        rec.next(WsRecorder.Open.class);
        ws.close(1000, "bye");
        peer.expectFrame(WsProtocol.OP_CLOSE);
        assertTrue(peer.clientClosed(), "hung up without an answer");
        rec.terminal(WAIT);
        rec.assertExhausted(ws);
    }

    @Test
    void aMessageOverTheLimitClosesWith1009WhetherInOneFrameOrInFragments() throws Exception {
        WsConfig small = new WsConfig(null, null, null, null, 1000, 1 << 20, Duration.ofSeconds(1));
        // One frame declaring 2^40 bytes: refused from its header, nothing allocated.
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(small, rec);
        RawPeer peer = server.acceptUpgraded();
        peer.write(RawPeer.header(0x80 | WsProtocol.OP_TEXT, 1L << 40, new byte[0]));
        rec.next(WsRecorder.Open.class);
        assertEquals(WsProtocol.CLOSE_TOO_BIG, rec.expectFailure(WsProtocolException.class).closeCode());
        assertEquals(WsProtocol.CLOSE_TOO_BIG, peer.expectFrame(WsProtocol.OP_CLOSE).closeCode());
        rec.assertExhausted(ws);

        // Fragments that are each small, and too many together. Exactly the limit is fine.
        WsRecorder rec2 = new WsRecorder();
        WebSocket ws2 = open(small, rec2);
        RawPeer peer2 = server.acceptUpgraded();
        peer2.write(RawPeer.frame(false, WsProtocol.OP_TEXT, new byte[600]),
                RawPeer.frame(true, WsProtocol.OP_CONTINUATION, new byte[400]));
        rec2.next(WsRecorder.Open.class);
        assertEquals(1000, rec2.expectText().length());
        peer2.write(RawPeer.frame(false, WsProtocol.OP_TEXT, new byte[600]),
                RawPeer.frame(true, WsProtocol.OP_CONTINUATION, new byte[401]));
        assertEquals(WsProtocol.CLOSE_TOO_BIG, rec2.expectFailure(WsProtocolException.class).closeCode());
        assertEquals(WsProtocol.CLOSE_TOO_BIG, peer2.expectFrame(WsProtocol.OP_CLOSE).closeCode());
        rec2.assertExhausted(ws2);
    }

    @Test
    void everyProtocolViolationClosesWith1002AndIsReportedOnce() throws Exception {
        byte[][] violations = {
            RawPeer.header(0x80 | 0x40 | WsProtocol.OP_TEXT, 1, new byte[] {'x'}), // reserved bit, no extension
            {(byte) 0x81, (byte) 0x81, 1, 2, 3, 4, 'x' ^ 1}, // masked by the server
            RawPeer.frame(true, 0x3, new byte[0]), // reserved data opcode
            RawPeer.frame(true, 0xb, new byte[0]), // reserved control opcode
            RawPeer.frame(false, WsProtocol.OP_PING, new byte[0]), // fragmented control frame
            RawPeer.frame(true, WsProtocol.OP_PING, new byte[126]), // control frame over 125 bytes
            RawPeer.frame(true, WsProtocol.OP_CONTINUATION, new byte[1]), // continuation of nothing
            concat(RawPeer.frame(false, WsProtocol.OP_TEXT, new byte[1]), RawPeer.text("new")), // interleaved
            RawPeer.frame(true, WsProtocol.OP_CLOSE, new byte[] {3}), // close with a one-byte code
            RawPeer.close(1005, ""), // a code that must never be on the wire
            RawPeer.header(0x80 | WsProtocol.OP_TEXT, -1L, new byte[0]), // 64-bit length with the top bit set
        };
        for (byte[] bad : violations) {
            WsRecorder rec = new WsRecorder();
            WebSocket ws = open(rec);
            RawPeer peer = server.acceptUpgraded();
            peer.write(bad);
            rec.next(WsRecorder.Open.class);
            String what = Arrays.toString(Arrays.copyOf(bad, Math.min(bad.length, 4)));
            assertEquals(WsProtocol.CLOSE_PROTOCOL_ERROR, rec.expectFailure(WsProtocolException.class).closeCode(), what);
            assertEquals(WsProtocol.CLOSE_PROTOCOL_ERROR, peer.expectFrame(WsProtocol.OP_CLOSE).closeCode(), what);
            assertTrue(peer.clientClosed(), what);
            rec.assertExhausted(ws);
        }
    }

    @Test
    void textThatIsNotUtf8ClosesWith1007() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(rec);
        RawPeer peer = server.acceptUpgraded();
        peer.write(RawPeer.frame(true, WsProtocol.OP_TEXT, new byte[] {'o', 'k', (byte) 0xc3}));
        rec.next(WsRecorder.Open.class);
        assertEquals(WsProtocol.CLOSE_INVALID_DATA, rec.expectFailure(WsProtocolException.class).closeCode());
        assertEquals(WsProtocol.CLOSE_INVALID_DATA, peer.expectFrame(WsProtocol.OP_CLOSE).closeCode());
        rec.assertExhausted(ws);
    }

    @Test
    void anEndInsideAFrameIsAnAbnormalClose() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(rec);
        RawPeer peer = server.acceptUpgraded();
        peer.writeThenFin(RawPeer.header(0x80 | WsProtocol.OP_TEXT, 10, new byte[] {'h', 'a'}));
        rec.next(WsRecorder.Open.class);
        WsRecorder.Closed closed = rec.next(WsRecorder.Closed.class);
        assertEquals(WsProtocol.CLOSE_ABNORMAL, closed.code());
        assertTrue(closed.reason().contains("inside a frame"), closed.reason());
        rec.assertExhausted(ws);
    }

    @Test
    void aServerThatPingsButNeverReadsCannotGrowTheOutboundQueue() throws Exception {
        WsRecorder rec = new WsRecorder();
        WsConfig tight = new WsConfig(null, null, null, null, 1024, 64 << 10, Duration.ofMillis(200));
        WebSocket ws = open(tight, rec);
        RawPeer peer = server.acceptUpgraded();
        rec.next(WsRecorder.Open.class);
        String chunk = "c".repeat(1000);
        int refusedAfter = -1;
        for (int i = 0; i < 200_000 && refusedAfter < 0; i++) {
            if (!ws.sendText(chunk)) {
                refusedAfter = i; // 64 KB wait for the writer
            }
        }
        assertTrue(refusedAfter > 0, "sendText refuses once the queue is full");
        // 64 MB of pings, more than the kernel's buffers on both sides hold: the client's reader keeps
        // reading, and its pongs pile up behind the data nobody reads until the queue refuses them.
        byte[] pings = RawPeer.frame(true, WsProtocol.OP_PING, new byte[125]);
        byte[] batch = new byte[pings.length * 100];
        for (int i = 0; i < 100; i++) {
            System.arraycopy(pings, 0, batch, i * pings.length, pings.length);
        }
        try {
            for (int i = 0; i < 5000; i++) {
                peer.write(batch);
            }
        } catch (IOException e) {
            // the client gave up on us while we wrote: what the test is for
        }
        Throwable error = rec.next(WsRecorder.Failure.class).error();
        assertTrue(error.getMessage().contains("does not read"), error.toString());
        rec.assertExhausted(ws);
    }

    @Test
    void abortDuringTheHandshakeIsReportedOnceAsAFailure() throws Exception {
        WsRecorder rec = new WsRecorder();
        WebSocket ws = open(rec);
        try (Socket s = server.acceptRaw()) {
            ws.abort();
            assertTrue(rec.next(WsRecorder.Failure.class).error().getMessage().contains("aborted"));
            rec.assertExhausted(ws);
        }
    }

    @Test
    void aConnectionRefusedIsAFailure() throws Exception {
        // A port held by a socket that is bound but not listening: refused, and nobody else can take it
        // (a port freed by closing a server could be bound again before the connect).
        try (java.net.Socket holder = new java.net.Socket()) {
            holder.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            WsRecorder rec = new WsRecorder();
            WebSocket ws = WebSocket.open(WsConfig.defaults(),
                    java.net.URI.create("ws://127.0.0.1:" + holder.getLocalPort() + "/"), Map.of(), WAIT.toMillis(), rec);
            assertTrue(rec.next(WsRecorder.Failure.class).error() instanceof java.net.ConnectException);
            rec.assertExhausted(ws);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
