package io.chorus.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw WebSocket client that records every frame it receives into a queue, for tests that speak the
 * wire protocol directly (bad input, exact frames). Pings from the server are answered unless told
 * otherwise; {@link #assertNoMoreFrames} proves nothing unexpected arrived.
 */
public final class WsProbe implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket ws;
    private volatile boolean answerPings = true;
    private final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
    /** The JDK WebSocket allows one send at a time: the test's and the pong answers go in turn. */
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    private WsProbe(URI uri) throws Exception {
        ws = HTTP.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        JsonNode n = JSON.readTree(partial.toString());
                        if (answerPings && "ping".equals(n.path("type").asText())) {
                            pings.incrementAndGet();
                            inTurn(() -> w.sendText("{\"type\":\"pong\"}", true));
                        } else {
                            frames.add(n);
                        }
                    } catch (Exception e) {
                        frames.add(JSON.createObjectNode().put("type", "UNPARSEABLE").put("text", partial.toString()));
                    }
                    partial.setLength(0);
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
                closed.complete(new int[] {statusCode});
                return null;
            }

            @Override
            public void onError(WebSocket w, Throwable error) {
                closed.complete(new int[] {-1});
            }
        }).get(10, TimeUnit.SECONDS);
    }

    public static WsProbe connect(URI uri) throws Exception {
        WsProbe p = new WsProbe(uri);
        p.expect("connected");
        return p;
    }

    /** Opens without expecting {@code connected} (the server may refuse the client in band). */
    public static WsProbe open(URI uri) throws Exception {
        return new WsProbe(uri);
    }

    /** The JSON pings answered so far. */
    public int pings() {
        return pings.get();
    }

    public WsProbe answerPings(boolean answer) {
        this.answerPings = answer;
        return this;
    }

    private synchronized CompletableFuture<?> inTurn(java.util.function.Supplier<CompletableFuture<?>> send) {
        sending = sending.handle((r, e) -> null).thenCompose(v -> send.get());
        return sending;
    }

    public void send(String text) throws Exception {
        inTurn(() -> ws.sendText(text, true)).get(10, TimeUnit.SECONDS);
    }

    public void sendBinary(byte[] bytes) throws Exception {
        inTurn(() -> ws.sendBinary(ByteBuffer.wrap(bytes), true)).get(10, TimeUnit.SECONDS);
    }

    /** The next frame, which must have this type. */
    public JsonNode expect(String type) throws InterruptedException {
        JsonNode n = next(Duration.ofSeconds(20));
        if (n == null) {
            fail("no '" + type + "' frame within 20 s");
        }
        assertEquals(type, n.path("type").asText(), () -> "unexpected frame " + n);
        return n;
    }

    /** Skips frames until one matches; fails if none within the timeout. */
    public JsonNode awaitFrame(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode n = frames.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (n != null && match.test(n)) {
                return n;
            }
        }
        fail("no matching frame within " + timeout);
        return null;
    }

    public JsonNode next(Duration timeout) throws InterruptedException {
        return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Proves the quiet: after a ping round trip, nothing else was queued. */
    public void assertNoMoreFrames() throws Exception {
        send("{\"type\":\"ping\",\"ref\":\"quiet\"}");
        JsonNode n = next(Duration.ofSeconds(10));
        assertEquals("pong", n == null ? null : n.path("type").asText(), () -> "unexpected frame " + n);
        assertNull(frames.poll(), "unexpected frame after pong");
    }

    /** The close code the server sent; fails if the socket is not closed in time. */
    public int awaitClose(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS)[0];
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Drops the TCP connection without a close handshake, as a phone losing its network would. */
    public void abort() {
        ws.abort();
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(1000, "bye");
        }
        ws.abort();
    }
}
