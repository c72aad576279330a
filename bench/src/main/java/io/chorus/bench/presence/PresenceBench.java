package io.chorus.bench.presence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Presence across two pods: {@code members} clients enter one channel through pod A (in waves of
 * {@code wave}), a watcher subscribed with presence on pod B; reports how long each enter took from
 * the request to the {@code entered} reply (Kafka stored it) and to the watcher's {@code enter} event
 * on the other pod, then the same for explicit leaves.
 *
 * <pre>java -cp bench/target/chorus-bench.jar:bench/target/lib/* io.chorus.bench.presence.PresenceBench
 *     ws://127.0.0.1:28080/v1/ws ws://127.0.0.1:28081/v1/ws 500 50</pre>
 */
public final class PresenceBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private PresenceBench() {
    }

    /** A WebSocket that hands every frame to a callback. */
    private static WebSocket open(String uri, java.util.function.Consumer<JsonNode> onFrame) throws Exception {
        StringBuilder partial = new StringBuilder();
        return HTTP.newWebSocketBuilder().buildAsync(URI.create(uri), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        onFrame.accept(JSON.readTree(partial.toString()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        String podA = args[0];
        String podB = args[1];
        int members = Integer.parseInt(args[2]);
        int wave = Integer.parseInt(args[3]);
        String channel = "bench:presence-" + System.nanoTime();
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Histogram reply = new Histogram(60_000_000L, 3);
        Histogram seen = new Histogram(60_000_000L, 3);
        CountDownLatch[] replies = new CountDownLatch[1];
        CountDownLatch[] events = new CountDownLatch[1];
        String[] action = {"enter"};

        CountDownLatch synced = new CountDownLatch(1);
        WebSocket watcher = open(podB, f -> {
            String type = f.path("type").asText();
            if ("presence_sync".equals(type)) {
                synced.countDown();
            } else if ("presence_event".equals(type) && action[0].equals(f.path("action").asText())) {
                Long t = sentAt.get(f.path("member").path("clientId").asText());
                if (t != null) {
                    seen.recordValue((System.nanoTime() - t) / 1000);
                    events[0].countDown();
                }
            }
        });
        watcher.sendText("{\"type\":\"subscribe\",\"ref\":\"w\",\"channel\":\"" + channel + "\",\"presence\":true}", true);
        if (!synced.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no presence_sync on pod B");
        }

        List<WebSocket> clients = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            CountDownLatch connected = new CountDownLatch(1);
            String[] id = new String[1];
            WebSocket ws = open(podA, f -> {
                switch (f.path("type").asText()) {
                    case "connected" -> {
                        id[0] = f.path("clientId").asText();
                        connected.countDown();
                    }
                    case "entered", "left" -> {
                        Long t = sentAt.get(f.path("ref").asText());
                        if (t != null) {
                            reply.recordValue((System.nanoTime() - t) / 1000);
                        }
                        replies[0].countDown();
                    }
                    case "error" -> System.err.println("error: " + f);
                    default -> { }
                }
            });
            if (!connected.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no connected frame");
            }
            clients.add(ws);
            ids.add(id[0]);
        }
        for (String phase : List.of("enter", "leave")) {
            action[0] = phase;
            reply.reset();
            seen.reset();
            long started = System.nanoTime();
            for (int from = 0; from < members; from += wave) {
                int to = Math.min(members, from + wave);
                replies[0] = new CountDownLatch(to - from);
                events[0] = new CountDownLatch(to - from);
                for (int i = from; i < to; i++) {
                    String id = ids.get(i);
                    sentAt.put(id, System.nanoTime());
                    String frame = phase.equals("enter")
                            ? "{\"type\":\"enter\",\"ref\":\"" + id + "\",\"channel\":\"" + channel + "\",\"data\":{\"n\":" + i + "}}"
                            : "{\"type\":\"leave\",\"ref\":\"" + id + "\",\"channel\":\"" + channel + "\"}";
                    clients.get(i).sendText(frame, true);
                }
                if (!replies[0].await(30, TimeUnit.SECONDS) || !events[0].await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(phase + ": wave from " + from + " incomplete");
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("{\"phase\":\"%s\",\"members\":%d,\"wave\":%d,\"seconds\":%.2f,"
                    + "\"replyMs\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},"
                    + "\"otherPodEventMs\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f}}%n",
                    phase, members, wave, seconds,
                    reply.getValueAtPercentile(50) / 1000.0, reply.getValueAtPercentile(99) / 1000.0,
                    reply.getMaxValue() / 1000.0, seen.getValueAtPercentile(50) / 1000.0,
                    seen.getValueAtPercentile(99) / 1000.0, seen.getMaxValue() / 1000.0);
        }
        for (WebSocket ws : clients) {
            ws.abort();
        }
        watcher.abort();
    }
}
