package io.chorus.gateway.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.schema.Position;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A client publishing numbered messages ({@code id = <name>-<i>}) over one raw WebSocket with a few in
 * flight, recording each publish's outcome: the offset Kafka acknowledged, or the error the gateway
 * answered (a refusal may or may not have been written, so only acks are promises). Publishes go one
 * per {@link #publishNext} call; the window bounds how many wait for an answer.
 */
final class AckingPublisher implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String channel;
    private final Semaphore window;
    private final WebSocket ws;
    /** Publish id to outcome: an offset (acked) or an error name; bounded by the number sent. */
    private final Map<String, Object> outcomes = new LinkedHashMap<>();
    private final int max;
    private int sent;
    private int pending;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    AckingPublisher(HttpClient http, URI gateway, String name, String channel, int window, int max) throws Exception {
        this.name = name;
        this.channel = channel;
        this.window = new Semaphore(window);
        this.max = max;
        this.ws = http.newWebSocketBuilder().buildAsync(gateway, new Listener()).get(30, TimeUnit.SECONDS);
    }

    /** Sends the next publish if the window has room and fewer than {@code max} were sent; else nothing. */
    void publishNext() {
        if (!window.tryAcquire()) {
            return;
        }
        String id;
        synchronized (this) {
            if (sent == max) {
                window.release();
                return;
            }
            id = name + "-" + sent++;
            pending++;
            String frame = "{\"type\":\"publish\",\"ref\":\"" + id + "\",\"channel\":\"" + channel + "\",\"id\":\"" + id
                    + "\",\"data\":{\"p\":\"" + id + "\"}}";
            // The JDK WebSocket takes one send at a time.
            sending = sending.handle((r, e) -> null).thenCompose(v -> ws.sendText(frame, true));
        }
    }

    private void answered(JsonNode f) {
        String ref = f.path("ref").asText();
        synchronized (this) {
            if ("ack".equals(f.path("type").asText())) {
                outcomes.put(ref, Position.decode(f.path("position").asText()).offset());
            } else {
                outcomes.put(ref, f.path("error").asText("?"));
            }
            pending--;
        }
        window.release();
    }

    synchronized int pending() {
        return pending;
    }

    synchronized long acked() {
        return outcomes.values().stream().filter(o -> o instanceof Long).count();
    }

    /** Id to outcome: a Long offset when acknowledged, else the error's name. */
    synchronized Map<String, Object> outcomes() {
        return new LinkedHashMap<>(outcomes);
    }

    @Override
    public void close() {
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode f = JSON.readTree(partial.toString());
                    String type = f.path("type").asText();
                    if (("ack".equals(type) || "error".equals(type)) && f.hasNonNull("ref")) {
                        answered(f);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("unreadable frame " + partial, e);
                }
                partial.setLength(0);
            }
            w.request(1);
            return null;
        }
    }
}
