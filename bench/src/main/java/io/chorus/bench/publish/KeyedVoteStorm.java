package io.chorus.bench.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The keyed vote storm through two pods: {@code --clients} WebSocket clients, spread over the pods,
 * each publish one vote with its own id within {@code --within} seconds; a {@code --retry} share of
 * them sends the same publish again (same id, {@code retry: true}) on the other pod right after the
 * first attempt, while it is still in flight. Reports the time from the first send to the last ack,
 * the acks (and how many said {@code duplicate}), the messages a subscriber on each pod received
 * (and their distinct ids), and the topic as Kafka holds it: records and distinct ids.
 *
 * <pre>java -cp chorus-bench.jar:lib/* io.chorus.bench.publish.KeyedVoteStorm --ports 28680,28681
 *   --bootstrap 127.0.0.1:29492 [--clients 10000] [--retry 0.2] [--within 1] [--out results/s18/x.json]</pre>
 */
public final class KeyedVoteStorm {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    /** Vert.x holds 50 WebSockets per server by default and queues the rest: the storm needs them all. */
    private final WebSocketClient client = vertx.createWebSocketClient(
            new io.vertx.core.http.WebSocketClientOptions().setMaxConnections(100_000));
    private final String ns = "storm" + Long.toString(System.nanoTime() % 1_000_000, 36);
    private final String channel = ns + ":votes";

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        ObjectNode report = new KeyedVoteStorm().run(opts);
        Path out = Path.of(opts.getOrDefault("out", "results/s18/vote-storm.json"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.out.println(report);
        System.exit(0);
    }

    private WebSocket connect(int port) throws java.util.concurrent.TimeoutException {
        return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/v1/ws"))
                .await(60, TimeUnit.SECONDS);
    }

    private ObjectNode run(Map<String, String> opts) throws Exception {
        int[] ports = java.util.Arrays.stream(opts.get("ports").split(",")).mapToInt(Integer::parseInt).toArray();
        int clients = Integer.parseInt(opts.getOrDefault("clients", "10000"));
        double retryShare = Double.parseDouble(opts.getOrDefault("retry", "0.2"));
        double withinS = Double.parseDouble(opts.getOrDefault("within", "1"));
        Random random = new Random(18);

        // Subscribers first, one per pod: they count what every reader delivers.
        List<Set<String>> seen = new ArrayList<>();
        AtomicInteger[] messages = new AtomicInteger[ports.length];
        for (int p = 0; p < ports.length; p++) {
            Set<String> ids = ConcurrentHashMap.newKeySet();
            AtomicInteger count = new AtomicInteger();
            seen.add(ids);
            messages[p] = count;
            WebSocket sub = connect(ports[p]);
            sub.textMessageHandler(text -> {
                JsonNode f = read(text);
                if (f != null && "message".equals(f.path("type").asText())) {
                    count.incrementAndGet();
                    ids.add(f.path("id").asText());
                }
            });
            sub.writeTextMessage("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + channel + "\"}");
        }

        // Every client's socket is open before the storm: the storm measures publishing, not connecting.
        AtomicInteger acks = new AtomicInteger();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong lastAck = new AtomicLong();
        Map<String, AtomicInteger> errorCodes = new ConcurrentHashMap<>();
        WebSocket[] first = new WebSocket[clients];
        WebSocket[] retry = new WebSocket[clients];
        int retries = 0;
        for (int i = 0; i < clients; i++) {
            first[i] = connect(ports[i % ports.length]);
            if (ports.length > 1 && random.nextDouble() < retryShare) {
                retry[i] = connect(ports[(i + 1) % ports.length]);
                retries++;
            }
        }
        for (WebSocket ws : allOf(first, retry)) {
            ws.textMessageHandler(text -> {
                JsonNode f = read(text);
                if (f == null || !f.has("ref")) {
                    return;
                }
                if ("ack".equals(f.path("type").asText())) {
                    acks.incrementAndGet();
                    if (f.path("duplicate").asBoolean(false)) {
                        duplicates.incrementAndGet();
                    }
                } else if ("error".equals(f.path("type").asText())) {
                    errors.incrementAndGet();
                    errorCodes.computeIfAbsent(f.path("error").path("code").asText(f.path("code").asText()),
                            k -> new AtomicInteger()).incrementAndGet();
                }
                lastAck.set(System.nanoTime());
            });
        }
        int answersDue = clients + retries;

        long start = System.nanoTime();
        long spreadNs = (long) (withinS * 1e9);
        int slices = 100;
        for (int s = 0; s < slices; s++) {
            int from = clients * s / slices;
            int to = clients * (s + 1) / slices;
            long delayMs = Math.max(1, spreadNs * s / slices / 1_000_000);
            vertx.setTimer(delayMs, t -> {
                for (int i = from; i < to; i++) {
                    String frame = "{\"type\":\"publish\",\"ref\":\"v" + i + "\",\"channel\":\"" + channel
                            + "\",\"id\":\"" + ns + "-vote-" + i + "\",\"data\":{\"choice\":" + (i % 4) + "}";
                    first[i].writeTextMessage(frame + "}");
                    if (retry[i] != null) {
                        retry[i].writeTextMessage(frame + ",\"retry\":true}");
                    }
                }
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (acks.get() + errors.get() < answersDue && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10); // a load generator's poll, not a test's synchronisation
        }
        double toLastAckMs = (lastAck.get() - start) / 1e6;
        // Live delivery can trail the last ack by the other pod's read; wait until the counts settle.
        long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int lastTotal = -1;
        while (System.nanoTime() < quietUntil) {
            int total = 0;
            for (AtomicInteger m : messages) {
                total += m.get();
            }
            if (total != lastTotal) {
                lastTotal = total;
                quietUntil = Math.max(quietUntil, System.nanoTime() + TimeUnit.SECONDS.toNanos(3));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }

        ObjectNode report = JSON.createObjectNode();
        report.put("clients", clients);
        report.put("pods", ports.length);
        report.put("retriedOnOtherPod", retries);
        report.put("withinS", withinS);
        report.put("answersDue", answersDue);
        report.put("acks", acks.get());
        report.put("duplicateAcks", duplicates.get());
        report.put("errors", errors.get());
        report.set("errorCodes", JSON.valueToTree(errorCodes));
        report.put("firstSendToLastAnswerMs", Math.round(toLastAckMs));
        for (int p = 0; p < ports.length; p++) {
            report.put("deliveredPod" + p, messages[p].get());
            report.put("distinctIdsPod" + p, seen.get(p).size());
        }
        topic(opts.get("bootstrap"), report);
        report.put("loadAverage1m", Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]));
        vertx.close().await(30, TimeUnit.SECONDS);
        return report;
    }

    /** The topic as Kafka holds it, read committed from its start: records of the channel and distinct ids. */
    private void topic(String bootstrap, ObjectNode report) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            String name = "chorus." + ns;
            List<TopicPartition> tps = c.partitionsFor(name, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(name, p.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            long records = 0;
            Set<String> ids = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (channel.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        records++;
                        Header h = r.headers().lastHeader("chorus-id");
                        ids.add(h == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
                    }
                }
            }
            report.put("topicRecords", records);
            report.put("topicDistinctIds", ids.size());
        }
    }

    private static List<WebSocket> allOf(WebSocket[] a, WebSocket[] b) {
        List<WebSocket> all = new ArrayList<>();
        for (WebSocket[] arr : List.of(a, b)) {
            for (WebSocket ws : arr) {
                if (ws != null) {
                    all.add(ws);
                }
            }
        }
        return all;
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }
}
