package io.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The server's end of one client socket: what the client sent, and frames to send it. */
final class FakeSocket {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerWebSocket ws;
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Short> closed = new CompletableFuture<>();

    FakeSocket(ServerWebSocket ws) {
        this.ws = ws;
        ws.textMessageHandler(text -> {
            try {
                received.add(JSON.readTree(text));
            } catch (JsonProcessingException e) {
                received.add(JSON.createObjectNode().put("type", "<not json>").put("text", text));
            }
        });
        ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    }

    /** A header of the client's upgrade request, or null. */
    String header(String name) {
        return ws.headers().get(name);
    }

    /** The next frame the client sent, which must be of this type. */
    JsonNode expect(String type) throws InterruptedException {
        JsonNode frame = received.poll(FakeGateway.WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(frame, "no '" + type + "' frame from the client");
        assertEquals(type, frame.path("type").asText(), "unexpected frame " + frame);
        return frame;
    }

    void assertNothingReceived() {
        assertTrue(received.isEmpty(), "unexpected frames " + received);
    }

    /** The close code the client sent, or null when the socket ended without one. */
    Short awaitClosed() throws Exception {
        return closed.get(FakeGateway.WAIT_SECONDS, TimeUnit.SECONDS);
    }

    void send(String text) {
        ws.writeTextMessage(text);
    }

    void send(ObjectNode frame) {
        send(frame.toString());
    }

    void close(int code, String reason) {
        ws.close((short) code, reason);
    }

    /** Ends the TCP connection without a close frame, as a dying pod or a load balancer does. */
    void dropConnection() {
        // From the head of the pipeline: a close through the WebSocket handlers would send a close frame first.
        ((WebSocketInternal) ws).channelHandlerContext().pipeline().firstContext().close();
    }

    void sendConnected(long heartbeatMs) {
        send(frame("connected").put("connectionId", "c-test").put("heartbeatMs", heartbeatMs)
                .put("idleTimeoutMs", 45_000));
    }

    /** Answers a subscribe frame with {@code subscribed} at {@code position}. */
    void subscribed(JsonNode request, String position) {
        send(reply(request, "subscribed").put("channel", request.path("channel").asText()).put("position", position));
    }

    void subscribed(JsonNode request, String position, boolean resumed, String reason) {
        ObjectNode f = reply(request, "subscribed").put("channel", request.path("channel").asText())
                .put("position", position).put("resumed", resumed);
        if (reason != null) {
            f.put("reason", reason);
        }
        send(f);
    }

    void message(String channel, String position, String text) {
        ObjectNode f = frame("message").put("channel", channel).put("position", position).put("id", "m-" + position)
                .put("timestamp", 1_764_284_400_123L);
        f.putObject("data").put("text", text);
        send(f);
    }

    void ack(JsonNode publish, String position, boolean duplicate) {
        send(reply(publish, "ack").put("channel", publish.path("channel").asText())
                .put("id", publish.path("id").asText()).put("position", position).put("duplicate", duplicate));
    }

    void error(JsonNode request, int code, String error, boolean retryable) {
        send(reply(request, "error").put("code", code).put("error", error).put("message", "scripted " + error)
                .put("retryable", retryable));
    }

    void error(JsonNode request, int code, String error, boolean retryable, long retryAfterMs) {
        send(reply(request, "error").put("code", code).put("error", error).put("message", "scripted " + error)
                .put("retryable", retryable).put("retryAfterMs", retryAfterMs));
    }

    /** Answers a request with a frame of {@code type} that carries its ref and channel. */
    void reply(JsonNode request, String type, String channel) {
        send(reply(request, type).put("channel", channel));
    }

    private static ObjectNode reply(JsonNode request, String type) {
        return frame(type).put("ref", request.path("ref").asText());
    }

    static ObjectNode frame(String type) {
        return JSON.createObjectNode().put("type", type);
    }
}
