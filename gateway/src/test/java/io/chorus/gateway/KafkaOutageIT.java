package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker dies (SIGKILL) during traffic and comes back: subscribers on every transport (WebSocket,
 * SSE, long-polling) are told the stream stalled
 * and then is live again, publishes meanwhile are refused with a retryable error (never acknowledged
 * and lost), readiness follows, and live delivery resumes with no gap and no duplicate. The broker is
 * its own process here ({@code BrokerMain} of kafka-embedded), so that it can be killed and restarted.
 */
class KafkaOutageIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Process broker(Path dir, int port, int controller) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.chorus.kafka.embedded.BrokerMain",
                dir.resolve("kafka").toString(), String.valueOf(port), String.valueOf(controller))
                .directory(dir.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        CompletableFuture<Void> up = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("Kafka is running")) {
                        up.complete(null);
                    }
                }
            } catch (IOException e) {
                // process ended
            }
            up.completeExceptionally(new IllegalStateException("broker exited"));
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

    @Test
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

            kafka = broker(dir, port, controller);
            for (var e : subscribers.entrySet()) {
                JsonNode live = notice(e.getValue(), delivered.get(e.getKey()));
                assertEquals("live", live.get("state").asText(), e.getKey().toString());
            }
            Conditions.await("ready again", Duration.ofSeconds(30), () -> callReady(g) == 200);
            for (int i = 0; i < 5; i++) {
                JsonNode r = publish(publisher, ch, "after-" + i);
                assertEquals("ack", r.get("type").asText(), r::toString);
                acked.add("after-" + i);
            }
            for (var e : subscribers.entrySet()) {
                List<String> got = delivered.get(e.getKey());
                while (got.size() < acked.size()) {
                    JsonNode m = e.getValue().await("message", f -> "message".equals(f.path("type").asText()));
                    if (!"during-0".equals(m.get("id").asText())) {
                        got.add(m.get("id").asText());
                    }
                }
                assertEquals(acked, got, e.getKey() + ": every acknowledged publish, once, in order");
                e.getValue().close();
            }
        } finally {
            kafka.destroyForcibly();
            kafka.waitFor(30, TimeUnit.SECONDS);
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

    static int callReady(TestGateway g) {
        try {
            return ready(g);
        } catch (Exception e) {
            return -1;
        }
    }
}
