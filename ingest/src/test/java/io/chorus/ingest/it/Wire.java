package io.chorus.ingest.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One raw WebSocket connection speaking PROTOCOL.md: requests carry a {@code ref} and complete with the
 * reply of that ref ({@code ack}, {@code subscribed}, or {@code error}); {@code message} frames go to the
 * listener. When the socket closes, pending requests fail, as a client would see a lost ack.
 */
final class Wire {

    static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket ws;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong refs = new AtomicLong();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private Wire(WebSocket ws, Consumer<JsonNode> messages) {
        this.ws = ws;
        ws.textMessageHandler(text -> {
            JsonNode frame;
            try {
                frame = JSON.readTree(text);
            } catch (Exception e) {
                throw new AssertionError("unreadable frame: " + text, e);
            }
            String type = frame.path("type").asText();
            if (type.equals("message")) {
                messages.accept(frame);
            } else if (frame.hasNonNull("ref")) {
                CompletableFuture<JsonNode> f = pending.remove(frame.get("ref").asText());
                if (f != null) {
                    f.complete(frame);
                }
            }
        });
        ws.closeHandler(v -> {
            closed.complete(null);
            pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("socket closed")));
            pending.clear();
        });
    }

    static CompletableFuture<Wire> connect(WebSocketClient client, int port, String token, Consumer<JsonNode> messages) {
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/v1/ws").addHeader("authorization", "Bearer " + token);
        CompletableFuture<Wire> out = new CompletableFuture<>();
        client.connect(o).onComplete(ar -> {
            if (ar.failed()) {
                out.completeExceptionally(ar.cause());
            } else {
                out.complete(new Wire(ar.result(), messages));
            }
        });
        return out;
    }

    /** Completes with the {@code ack} (or fails with the {@code error} frame's text). */
    CompletableFuture<JsonNode> publish(String channel, String id, ObjectNode data, boolean retry) {
        ObjectNode f = JSON.createObjectNode().put("type", "publish").put("channel", channel).put("id", id);
        f.set("data", data);
        if (retry) {
            f.put("retry", true);
        }
        return request(f).thenApply(Wire::expectOk);
    }

    /** Subscribes with {@code rewind: 1} (latest snapshot first) or {@code since} a position when given. */
    CompletableFuture<JsonNode> subscribe(String channel, String since, boolean rewind) {
        ObjectNode f = JSON.createObjectNode().put("type", "subscribe").put("channel", channel);
        if (since != null) {
            f.put("since", since);
        } else if (rewind) {
            f.put("rewind", 1);
        }
        return request(f).thenApply(Wire::expectOk);
    }

    private CompletableFuture<JsonNode> request(ObjectNode frame) {
        String ref = Long.toString(refs.incrementAndGet());
        frame.put("ref", ref);
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(ref, f);
        if (closed.isDone()) {
            pending.remove(ref);
            f.completeExceptionally(new IllegalStateException("socket closed"));
            return f;
        }
        ws.writeTextMessage(frame.toString()).onFailure(e -> {
            if (pending.remove(ref) != null) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    private static JsonNode expectOk(JsonNode reply) {
        if (reply.path("type").asText().equals("error")) {
            throw new IllegalStateException("refused: " + reply);
        }
        return reply;
    }

    /** Closes without waiting for anything in flight (a dropped connection, as the client sees it). */
    CompletableFuture<Void> drop() {
        ws.close();
        return closed;
    }
}
