package io.chorus.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.schema.Position;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chorus dev} as a real process (the same DevMain the README's first command runs): it starts
 * its embedded broker and the gateway, serves the demo app and keeps its data across a restart.
 */
class DevModeIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private record Ports(int http, int kafka, int controller) {
        static Ports free() throws IOException {
            return new Ports(freePort(), freePort(), freePort());
        }
    }

    private static Process start(Path dir, Ports ports, Path demo) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.chorus.dev.DevMain", "dev", "--demo", demo.toString())
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("dev-" + System.nanoTime() + ".log").toFile());
        pb.environment().put("CHORUS_HTTP_PORT", String.valueOf(ports.http()));
        pb.environment().put("CHORUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("CHORUS_KAFKA_EMBEDDED_PORT", String.valueOf(ports.kafka()));
        pb.environment().put("CHORUS_KAFKA_EMBEDDED_CONTROLLER_PORT", String.valueOf(ports.controller()));
        pb.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        return pb.start();
    }

    private static void awaitReady(int port, Process p) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            if (!p.isAlive()) {
                fail("chorus dev exited with " + p.exitValue());
            }
            try {
                if (get(port, "/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException | InterruptedException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                fail("chorus dev not ready within 60 s");
            }
            LockSupport.parkNanos(50_000_000); // the poll interval; the wait ends on readiness
        }
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(int port, String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Position publish(int port, String text) throws Exception {
        HttpResponse<String> r = post(port, "/v1/channels/chat:room1/messages", "{\"data\":{\"text\":\"" + text + "\"}}");
        assertEquals(201, r.statusCode(), r::body);
        return Position.decode(JSON.readTree(r.body()).get("position").asText());
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM: the shutdown hook stops the gateway and the broker
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chorus dev stopped on SIGTERM");
    }

    @Test
    @Timeout(240) // two cold starts of broker, gateway and API as real processes, on a shared machine
    void devModeRunsEmbeddedKafkaServesTheDemoAndTheJoinApiAndKeepsItsDataAcrossARestart(@TempDir Path dir) throws Exception {
        Path demo = Files.createDirectories(dir.resolve("demo-app"));
        Files.writeString(demo.resolve("index.html"), "<!doctype html><title>demo marker 7f3a</title>");
        Files.writeString(dir.resolve("secret.txt"), "not for the web");
        Ports ports = Ports.free();
        Process first = start(dir, ports, demo);
        Position before;
        String code;
        try {
            awaitReady(ports.http(), first);
            before = publish(ports.http(), "before restart");

            HttpResponse<String> index = get(ports.http(), "/");
            assertEquals(200, index.statusCode());
            assertTrue(index.body().contains("demo marker 7f3a"), index.body());
            HttpResponse<String> missing = get(ports.http(), "/no-such-file.js");
            assertEquals(404, missing.statusCode());
            assertEquals("not_found", JSON.readTree(missing.body()).get("error").asText());
            for (String escape : new String[] {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt"}) {
                HttpResponse<String> outside = get(ports.http(), escape);
                assertTrue(!outside.body().contains("not for the web"), "nothing outside the demo directory: " + escape);
            }

            // The join API on the same port: create (open in dev), join, and the token works on the gateway.
            HttpResponse<String> created = post(ports.http(), "/engage/events", "{\"title\":\"Dev night\"}");
            assertEquals(201, created.statusCode(), created::body);
            code = JSON.readTree(created.body()).get("code").asText();
            assertEquals("http://localhost:" + ports.http() + "/#/join/" + code,
                    JSON.readTree(created.body()).get("joinUrl").asText());
            HttpResponse<String> joined = post(ports.http(), "/engage/join",
                    "{\"code\":\"" + code + "\",\"name\":\"Ada\"}");
            assertEquals(200, joined.statusCode(), joined::body);
            String token = JSON.readTree(joined.body()).get("token").asText();
            HttpResponse<String> command = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + ports.http() + "/v1/channels/engage-in:" + code + "/messages"))
                    .header("content-type", "application/json").header("authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"data\":{\"type\":\"participant.join\","
                            + "\"name\":\"Ada\"}}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, command.statusCode(), command::body);
            assertEquals("not_found", JSON.readTree(get(ports.http(), "/engage/nothing").body()).get("error").asText());
            String metrics = get(ports.http(), "/metrics").body();
            assertTrue(metrics.contains("chorus_engage_api_joins_total"));
            assertTrue(metrics.contains("kafka_stream_thread_commit_total"), "no Kafka Streams meters on /metrics");
            // Ingest's own meters too, once it has applied the join above (each turn is a request).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!metrics.contains("chorus_ingest_commands_total{")) {
                assertTrue(System.nanoTime() < deadline, "ingest's meters are not on /metrics");
                metrics = get(ports.http(), "/metrics").body();
            }

            // The engagement namespaces are declared: snapshots are written by ingest, never by clients.
            HttpResponse<String> refused = post(ports.http(), "/v1/channels/engage:ABCDEF/messages",
                    "{\"data\":{\"type\":\"event\"}}");
            assertEquals(403, refused.statusCode(), refused::body);
            assertEquals("publish_not_allowed", JSON.readTree(refused.body()).get("error").asText());
        } finally {
            stop(first);
        }
        assertTrue(dir.resolve("data/kafka/logs").toFile().isDirectory(), "data under ./data");
        Process second = start(dir, ports, demo);
        try {
            awaitReady(ports.http(), second);
            Position after = publish(ports.http(), "after restart");
            assertEquals(before.topicId(), after.topicId(), "same topic");
            assertEquals(before.offset() + 1, after.offset(), "offsets continue");
            JsonNode messages = JSON.readTree(get(ports.http(), "/v1/channels/chat:room1/messages?limit=10").body())
                    .get("messages");
            assertEquals(2, messages.size());
            assertEquals("before restart", messages.get(1).get("data").get("text").asText());
            HttpResponse<String> rejoined = post(ports.http(), "/engage/join",
                    "{\"code\":\"" + code + "\",\"name\":\"Ada\"}");
            assertEquals(200, rejoined.statusCode(), "the event survives the restart: " + rejoined.body());
        } finally {
            stop(second);
        }
    }
}
