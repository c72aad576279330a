package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.gateway.testing.probe.ClientProbe;
import io.chorus.gateway.testing.probe.ClientProbe.Kind;
import io.chorus.gateway.testing.probe.ClientProbe.Open;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker dies (SIGKILL) during traffic and comes back: subscribers on every transport (WebSocket,
 * SSE, long-polling) are told the stream stalled and then is live again, also those that opened during
 * the outage and polls whose transition fell between two polls; publishes meanwhile are refused with a
 * retryable error (never acknowledged and lost), readiness follows, and live delivery resumes with no
 * gap and no duplicate. The broker is its own process here ({@code chorus kafka}), so that it can be
 * killed and restarted.
 */
class KafkaOutageIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * The broker's process: the embedded broker (module kafka-embedded, on the test class path) on a
     * data directory and fixed ports, so that a restart after SIGKILL comes back where it was.
     */
    static final class BrokerProcess {
        public static void main(String[] args) throws Exception {
            var broker = io.chorus.kafka.embedded.EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]),
                    Integer.parseInt(args[2]));
            System.out.println("Kafka is running: " + broker.bootstrapServers());
            Thread.currentThread().join(); // until killed
        }
    }

    static Process broker(Path dir, int port, int controller) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(),
                dir.resolve("kafka").toString(), String.valueOf(port), String.valueOf(controller))
                .directory(dir.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        CompletableFuture<Void> up = new CompletableFuture<>();
        // The broker's last lines, to say why it exited (bounded: it logs as long as it runs).
        java.util.Deque<String> last = new java.util.ArrayDeque<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("Kafka is running")) {
                        up.complete(null);
                    }
                    if (!up.isDone()) {
                        last.addLast(line);
                        if (last.size() > 40) {
                            last.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                // process ended
            }
            up.completeExceptionally(new IllegalStateException("broker exited:\n" + String.join("\n", last)));
        });
        reader.setDaemon(true);
        reader.start();
        up.get(60, TimeUnit.SECONDS);
        return p;
    }

    static int ready(TestGateway g) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(g.http("/health/ready")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    static JsonNode publish(WsProbe p, String ch, String ref) throws Exception {
        p.send("{\"type\":\"publish\",\"ref\":\"" + ref + "\",\"channel\":\"" + ch + "\",\"id\":\"" + ref
                + "\",\"data\":\"" + ref + "\"}");
        return p.awaitFrame(f -> ref.equals(f.path("ref").asText()), Duration.ofSeconds(30));
    }

    // Two broker starts (up to 60 s each on a loaded machine), a readiness wait and a dozen notices and
    // acks with their own timeouts: above the suite's 90 s default, which cut it off in a clean CI run
    // at load average 30 (it took 37 to 92 s under load).
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aBrokerOutageStallsTheStreamRefusesPublishesAndLiveDeliveryResumesWithoutGapOrDuplicate(
            @TempDir Path dir) throws Exception {
        int port = freePort();
        int controller = freePort();
        Process kafka = broker(dir, port, controller);
        String ch = "outage:room";
        Map<String, String> env = new java.util.HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + port,
                "CHORUS_HTTP_HOST", "127.0.0.1", "CHORUS_HTTP_PORT", "0", "CHORUS_KAFKA_CREATE_TOPICS", "true",
                "CHORUS_NAMESPACES_ALLOW_ANY", "true", "CHORUS_PUBLISH_TIMEOUT", "3s",
                "CHORUS_KAFKA_HEALTH_INTERVAL", "300ms", "CHORUS_KAFKA_HEALTH_TIMEOUT", "1s",
                "CHORUS_KAFKA_REQUEST_TIMEOUT", "3s", "CHORUS_AUTH_ANONYMOUS", "true"));
        env.put("CHORUS_FALLBACK_POLL_TIMEOUT", "2s");
        try (TestGateway g = TestGateway.start(c -> ConfigLoader.load(false, null, env));
             WsProbe publisher = WsProbe.connect(g.wsUri())) {
            // One subscriber per transport watches the same outage.
            Map<Kind, ClientProbe> subscribers = new EnumMap<>(Kind.class);
            for (Kind kind : Kind.values()) {
                subscribers.put(kind, kind.open(g.wsUri().getPort(), Open.of(ch)));
                subscribers.get(kind).expect("subscribed");
            }
            List<String> acked = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                assertEquals("ack", publish(publisher, ch, "before-" + i).get("type").asText());
                acked.add("before-" + i);
            }
            Conditions.await("ready", Duration.ofSeconds(20), () -> callReady(g) == 200);

            kafka.destroyForcibly();
            assertTrue(kafka.waitFor(30, TimeUnit.SECONDS));
            Map<Kind, List<String>> delivered = new EnumMap<>(Kind.class);
            for (var e : subscribers.entrySet()) {
                delivered.put(e.getKey(), new ArrayList<>());
                JsonNode stalled = notice(e.getValue(), delivered.get(e.getKey()));
                assertEquals("stalled", stalled.get("state").asText(), e.getKey().toString());
            }
            Conditions.await("not ready", Duration.ofSeconds(20), () -> callReady(g) == 503);
            JsonNode refused = publish(publisher, ch, "during-0");
            assertEquals("error", refused.get("type").asText(), refused::toString);
            assertEquals("kafka_unavailable", refused.get("error").asText());
            assertTrue(refused.get("retryable").asBoolean());

            // Sessions opened during the outage heard no transition: each starts by being told.
            Map<Kind, ClientProbe> late = new EnumMap<>(Kind.class);
            for (Kind kind : Kind.values()) {
                late.put(kind, kind.open(g.wsUri().getPort(), Open.of(ch)));
                assertEquals("stalled", opening(late.get(kind)).get("state").asText(), "opened during the outage: " + kind);
            }
            // A poll that says it last saw "stalled" is not told again; one that saw "live" is.
            JsonNode known = poll(g, ch, null, "stalled", "&timeout=0");
            assertEquals(List.of(), notices(known), known::toString);
            JsonNode told = poll(g, ch, null, "live", "");
            assertEquals(List.of("stalled"), notices(told), told::toString);
            for (String path : List.of("/v1/poll", "/v1/sse")) {
                HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(g.http(path + "?channel=" + ch
                        + "&stream=maybe")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(400, bad.statusCode(), path + ": an unknown stream state is refused");
                assertEquals("invalid_field", WsProbe.JSON.readTree(bad.body()).path("error").asText(), bad::body);
            }

            kafka = broker(dir, port, controller);
            // The broker's own start is not the notices' business: wait for the gateway to see it,
            // then each notice has its own timeout.
            Conditions.await("ready again", Duration.ofSeconds(60), () -> callReady(g) == 200);
            // A transition that fell between two polls: the next poll, saying "stalled", hears "live".
            JsonNode between = poll(g, ch, told.path("positions").asText(), "stalled", "");
            assertEquals(List.of("live"), notices(between), between::toString);
            // So does a client that reconnects after the outage and says it last saw "stalled".
            try (WsProbe back = WsProbe.connect(URI.create(g.wsUri() + "?stream=stalled"))) {
                assertEquals("live", back.expect("stream").get("state").asText());
            }
            for (var e : subscribers.entrySet()) {
                JsonNode live = notice(e.getValue(), delivered.get(e.getKey()));
                assertEquals("live", live.get("state").asText(), e.getKey().toString());
            }
            Map<Kind, List<String>> lateDelivered = new EnumMap<>(Kind.class);
            for (var e : late.entrySet()) {
                lateDelivered.put(e.getKey(), new ArrayList<>());
                JsonNode live = notice(e.getValue(), lateDelivered.get(e.getKey()));
                assertEquals("live", live.get("state").asText(), "opened during the outage: " + e.getKey());
            }
            List<String> after = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                JsonNode r = publish(publisher, ch, "after-" + i);
                assertEquals("ack", r.get("type").asText(), r::toString);
                acked.add("after-" + i);
                after.add("after-" + i);
            }
            expectDelivered(subscribers, delivered, acked, "");
            expectDelivered(late, lateDelivered, after, "opened during the outage: ");
        } finally {
            kafka.destroyForcibly();
            kafka.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Every acknowledged publish, once, in order, on every transport; then the probes close. */
    static void expectDelivered(Map<Kind, ClientProbe> probes, Map<Kind, List<String>> delivered, List<String> acked,
                                String what) throws InterruptedException {
        for (var e : probes.entrySet()) {
            List<String> got = delivered.get(e.getKey());
            while (got.size() < acked.size()) {
                JsonNode m = e.getValue().await("message", f -> "message".equals(f.path("type").asText()));
                if (!"during-0".equals(m.get("id").asText())) {
                    got.add(m.get("id").asText());
                }
            }
            assertEquals(acked, got, what + e.getKey() + ": every acknowledged publish, once, in order");
            e.getValue().close();
        }
    }

    /** The next stream notice; messages that arrive before it are recorded, not skipped. */
    static JsonNode notice(ClientProbe p, List<String> delivered) throws Exception {
        return p.await("a stream notice", n -> {
            if ("message".equals(n.path("type").asText()) && !"during-0".equals(n.get("id").asText())) {
                delivered.add(n.get("id").asText());
            }
            return "stream".equals(n.path("type").asText());
        });
    }

    /**
     * A new session's first frames: its {@code subscribed} and one stream notice, in the order its
     * transport gives them (a poll answer lists {@code subscribed} before {@code events}); nothing else.
     */
    static JsonNode opening(ClientProbe p) throws Exception {
        JsonNode notice = null;
        boolean subscribed = false;
        while (notice == null || !subscribed) {
            JsonNode n = p.await("the session's first frames", f -> true);
            switch (n.path("type").asText()) {
                case "subscribed" -> subscribed = true;
                case "stream" -> notice = n;
                default -> fail("unexpected frame " + n);
            }
        }
        return notice;
    }

    /** One long-poll by hand: {@code stream} is the state this client says it last saw. */
    static JsonNode poll(TestGateway g, String ch, String positions, String stream, String extra) throws Exception {
        String q = "/v1/poll?channel=" + ch + "&stream=" + stream + extra
                + (positions == null ? "" : "&positions=" + java.net.URLEncoder.encode(positions, "UTF-8"));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(g.http(q)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        return WsProbe.JSON.readTree(r.body());
    }

    /** The states of a poll answer's stream notices, in order. */
    static List<String> notices(JsonNode answer) {
        List<String> states = new ArrayList<>();
        answer.path("events").forEach(e -> {
            if ("stream".equals(e.path("type").asText())) {
                states.add(e.path("state").asText());
            }
        });
        return states;
    }

    static int callReady(TestGateway g) {
        try {
            return ready(g);
        } catch (Exception e) {
            return -1;
        }
    }
}
