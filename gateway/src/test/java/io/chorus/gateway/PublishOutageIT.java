package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.testing.BrokerProcess;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.WsProbe;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyed publishes while the broker is down (SIGKILL, its own process): every one is answered within
 * {@code publish.timeout} (measured with this test's clock: a correctness bound), every refusal names
 * its cause ({@code kafka_unavailable} once the pod knows Kafka is down, {@code outcome_unknown} for a
 * record that may have been written), none is {@code busy}, and after the broker is back each id,
 * published again, is delivered exactly once.
 */
class PublishOutageIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** Time for the request and answer to cross loopback and the event loop, on a busy machine. */
    private static final Duration TRANSIT = Duration.ofSeconds(1);

    private record Answer(String id, String outcome, Duration took) {
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // two broker starts on a shared, busy machine
    void duringABrokerOutageEveryKeyedPublishIsAnsweredWithinTheTimeoutAndNamesItsCause(@TempDir Path dir)
            throws Exception {
        int port = KafkaOutageIT.freePort();
        int controller = KafkaOutageIT.freePort();
        Process kafka = BrokerProcess.start(dir.resolve("kafka"), port, controller);
        String ch = "outage:votes";
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + port,
                "CHORUS_HTTP_HOST", "127.0.0.1", "CHORUS_HTTP_PORT", "0", "CHORUS_KAFKA_CREATE_TOPICS", "true",
                "CHORUS_NAMESPACES_ALLOW_ANY", "true", "CHORUS_PUBLISH_TIMEOUT", "3s",
                "CHORUS_KAFKA_HEALTH_INTERVAL", "300ms", "CHORUS_KAFKA_HEALTH_TIMEOUT", "1s",
                "CHORUS_KAFKA_REQUEST_TIMEOUT", "3s", "CHORUS_AUTH_ANONYMOUS", "true"));
        env.put("CHORUS_LIMITS_PUBLISHES_PER_SECOND", "1000");
        try (TestGateway g = TestGateway.start(c -> ConfigLoader.load(false, null, env));
             WsProbe phone = WsProbe.connect(g.wsUri())) {
            Duration timeout = g.gateway().config().publish().timeout();
            assertEquals("201", http(g, ch, "warm-http").get(60, TimeUnit.SECONDS).outcome());
            assertEquals("ack", ws(phone, List.of("warm-ws")).get(0).outcome());
            Conditions.await("ready", Duration.ofSeconds(20), () -> KafkaOutageIT.callReady(g) == 200);

            kafka.destroyForcibly();
            assertTrue(kafka.waitFor(30, TimeUnit.SECONDS));
            // At once, before the pod can know: some reach the producer, some wait for it.
            List<Answer> first = burst(g, phone, ch, "a");
            Conditions.await("not ready", Duration.ofSeconds(20), () -> KafkaOutageIT.callReady(g) == 503);
            // The pod knows now: refused at once, nothing written.
            List<Answer> known = burst(g, phone, ch, "b");
            System.out.println("outage answers: " + first + " then " + known);

            for (Answer a : first) {
                assertTrue(Set.of("kafka_unavailable", "outcome_unknown").contains(a.outcome()), a::toString);
            }
            for (Answer a : known) {
                assertEquals("kafka_unavailable", a.outcome(), a::toString);
            }
            for (Answer a : concat(first, known)) {
                assertTrue(a.took().compareTo(timeout.plus(TRANSIT)) <= 0,
                        () -> a + " waited past publish.timeout (" + timeout + ")");
            }

            kafka = BrokerProcess.start(dir.resolve("kafka"), port, controller);
            Conditions.await("ready again", Duration.ofSeconds(60), () -> KafkaOutageIT.callReady(g) == 200);
            Set<String> ids = new HashSet<>();
            for (Answer a : concat(first, known)) {
                ids.add(a.id());
                // The same id again, on the same route, until it is acknowledged: a refused write
                // is never lost to the client, and an unknown one never doubled.
                Conditions.await("ack of " + a.id(), Duration.ofSeconds(60), () -> retried(g, phone, ch, a.id()));
            }
            Map<String, Integer> delivered = new HashMap<>();
            for (String id : KeyedPublishIT.history(g, ch)) {
                delivered.merge(id, 1, Integer::sum);
            }
            for (String id : ids) {
                assertEquals(1, delivered.getOrDefault(id, 0), "message " + id + " delivered once");
            }
        } finally {
            kafka.destroyForcibly();
        }
    }

    private static List<Answer> concat(List<Answer> a, List<Answer> b) {
        List<Answer> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Ten keyed publishes over HTTP and ten over WebSocket, all sent before any answer is awaited. */
    private static List<Answer> burst(TestGateway g, WsProbe phone, String ch, String tag) throws Exception {
        List<CompletableFuture<Answer>> overHttp = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            overHttp.add(http(g, ch, tag + "-http-" + i));
        }
        List<String> wsIds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            wsIds.add(tag + "-ws-" + i);
        }
        List<Answer> out = new ArrayList<>(ws(phone, wsIds));
        for (CompletableFuture<Answer> f : overHttp) {
            out.add(f.get(60, TimeUnit.SECONDS));
        }
        assertFalse(out.stream().anyMatch(a -> "busy".equals(a.outcome())), out::toString);
        return out;
    }

    private static CompletableFuture<Answer> http(TestGateway g, String ch, String id) {
        long start = System.nanoTime();
        return HTTP.sendAsync(HttpRequest.newBuilder(g.http("/v1/channels/" + ch + "/messages"))
                        .timeout(Duration.ofSeconds(60)).header("Idempotency-Key", id)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"data\":{\"id\":\"" + id + "\"}}")).build(),
                HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(id, outcome(r), Duration.ofNanos(System.nanoTime() - start)));
    }

    private static String outcome(HttpResponse<String> r) {
        if (r.statusCode() == 200 || r.statusCode() == 201) {
            return String.valueOf(r.statusCode());
        }
        try {
            return WsProbe.JSON.readTree(r.body()).path("error").asText();
        } catch (Exception e) {
            return "unreadable " + r.statusCode();
        }
    }

    /** Sends every publish, then collects each answer as it arrives, timed from its own send. */
    private static List<Answer> ws(WsProbe phone, List<String> ids) throws Exception {
        Map<String, Long> sent = new ConcurrentHashMap<>();
        for (String id : ids) {
            sent.put(id, System.nanoTime());
            phone.send(KeyedPublishIT.publishFrame(id, "outage:votes", id, false));
        }
        List<Answer> out = new ArrayList<>();
        while (out.size() < ids.size()) {
            JsonNode f = phone.awaitFrame(n -> sent.containsKey(n.path("ref").asText()), Duration.ofSeconds(60));
            String id = f.get("ref").asText();
            String outcome = "ack".equals(f.path("type").asText()) ? "ack" : f.path("error").asText();
            out.add(new Answer(id, outcome, Duration.ofNanos(System.nanoTime() - sent.remove(id))));
        }
        return out;
    }

    private static boolean retried(TestGateway g, WsProbe phone, String ch, String id) {
        try {
            if (id.contains("-http-")) {
                String o = http(g, ch, id).get(60, TimeUnit.SECONDS).outcome();
                return "200".equals(o) || "201".equals(o);
            }
            phone.send(KeyedPublishIT.publishFrame(id, ch, id, true));
            JsonNode f = phone.awaitFrame(n -> id.equals(n.path("ref").asText()), Duration.ofSeconds(60));
            return "ack".equals(f.path("type").asText());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
