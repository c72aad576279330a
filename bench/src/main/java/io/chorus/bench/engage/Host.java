package io.chorus.bench.engage;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The event's host: staff commands on {@code engage-ctl:CODE:host}, each awaited until the gateway acks it. */
public final class Host implements EngageSocket.Listener {

    private final String channel;
    private final ConcurrentHashMap<String, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private EngageSocket socket;
    private int next;

    public Host(String code) {
        this.channel = "engage-ctl:" + code + ":host";
    }

    public void open(Crowd crowd, String hostToken, Duration timeout) {
        socket = crowd.socket(hostToken, this);
        if (crowd.open(List.of(socket), timeout).ok() != 1) {
            throw new IllegalStateException("the host could not connect");
        }
    }

    @Override
    public void frame(String type, JsonNode f, long rel) {
        if ((type.equals("ack") || type.equals("error")) && f.has("ref")) {
            CompletableFuture<JsonNode> w = waiting.remove(f.path("ref").asText());
            if (w != null) {
                w.complete(f);
            }
        }
    }

    /** Publishes one command (a JSON object text) and waits for the gateway's ack. */
    public void command(String json) {
        String ref = "h" + (next++);
        CompletableFuture<JsonNode> w = new CompletableFuture<>();
        waiting.put(ref, w);
        socket.context().runOnContext(v -> socket.publish(ref, channel, "bench-" + ref + "-" + System.nanoTime(), json));
        JsonNode answer;
        try {
            answer = w.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("host command not acknowledged: " + json, e);
        }
        if (!answer.path("type").asText().equals("ack")) {
            throw new IllegalStateException("host command refused: " + answer);
        }
    }
}
