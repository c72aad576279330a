package io.chorus.gateway.testing.probe;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.testing.WsProbe;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client session seen the same way whatever the transport: the frames the server sent, in order
 * (pings and {@code connected} left out), then one synthetic {@code {"type":"END","reason":…}} when the
 * session ended: the WebSocket close reason, or the {@code error} of the last error event of an SSE
 * stream or the error answer of a poll ({@code "end"} when a stream just ended). A long-poll probe says
 * {@code subscribed} with {@code resumed:true} for channels the server resumed silently, as the SDKs do.
 * Records every frame; a test that expects a frame skips nothing unless it says so.
 */
public abstract class ClientProbe implements AutoCloseable {

    /** What a session opens with: its channels (and where each resumes), watches, enters, token. */
    public record Open(List<String> channels, Map<String, String> since, Set<String> presence,
                       Set<String> occupancy, Map<String, JsonNode> enter, String token) {

        public static Open of(String... channels) {
            return new Open(List.of(channels), Map.of(), Set.of(), Set.of(), Map.of(), null);
        }

        public Open since(Map<String, String> positions) {
            return new Open(channels, positions, presence, occupancy, enter, token);
        }

        public Open watching(Set<String> presenceOf, Set<String> occupancyOf) {
            return new Open(channels, since, presenceOf, occupancyOf, enter, token);
        }

        public Open entering(Map<String, JsonNode> data) {
            return new Open(channels, since, presence, occupancy, data, token);
        }

        public Open token(String t) {
            return new Open(channels, since, presence, occupancy, enter, t);
        }
    }

    /** The transports of the contract. */
    public enum Kind {
        WS, SSE, POLL;

        public ClientProbe open(int port, Open open) throws Exception {
            URI base = URI.create("http://127.0.0.1:" + port);
            return switch (this) {
                case WS -> WsClientProbe.open(base, open);
                case SSE -> new SseClientProbe(base, open);
                case POLL -> new PollClientProbe(base, open);
            };
        }
    }

    public static final Duration WAIT = Duration.ofSeconds(20);

    protected final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();

    private final java.util.concurrent.atomic.AtomicInteger beats = new java.util.concurrent.atomic.AtomicInteger();

    protected void received(JsonNode frame) {
        String type = frame.path("type").asText();
        if ("ping".equals(type)) {
            beat();
        } else if (!"connected".equals(type)) {
            frames.add(frame);
        }
    }

    /** Proof that the session is alive while quiet: a heartbeat, or a long-poll's answer. */
    protected void beat() {
        beats.incrementAndGet();
    }

    /** The heartbeats seen (WebSocket, SSE), or the answers received (long-poll). */
    public int beats() {
        return beats.get();
    }

    protected void ended(String reason) {
        ObjectNode end = WsProbe.JSON.createObjectNode().put("type", "END");
        frames.add(reason == null ? end.putNull("reason") : end.put("reason", reason));
    }

    /** The next frame, which must have this type. */
    public JsonNode expect(String type) throws InterruptedException {
        JsonNode n = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (n == null) {
            fail(getClass().getSimpleName() + ": no '" + type + "' frame within " + WAIT);
        }
        if (!type.equals(n.path("type").asText())) {
            fail(getClass().getSimpleName() + ": expected '" + type + "', got " + n);
        }
        return n;
    }

    /** Skips frames until one matches; fails if none comes in time. */
    public JsonNode await(String what, Predicate<JsonNode> match) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode n = frames.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (n != null && match.test(n)) {
                return n;
            }
        }
        fail(getClass().getSimpleName() + ": no " + what + " within " + WAIT);
        return null;
    }

    /** Skips frames until the session ends; returns the reason it ended with. */
    public String awaitEnd() throws InterruptedException {
        return await("end of the session", f -> "END".equals(f.path("type").asText())).path("reason").asText(null);
    }

    /** Every frame recorded so far, taken from the queue. */
    public List<JsonNode> drain() {
        List<JsonNode> out = new java.util.ArrayList<>();
        frames.drainTo(out);
        return out;
    }

    @Override
    public abstract void close();
}
