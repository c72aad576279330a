package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.schema.Position;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chorus dev} as a real process (the same Main the README's first command runs): it starts
 * its embedded broker and the gateway, and its data survives a restart.
 */
class DevModeIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Process start(Path dir, int http, int kafka, int controller) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.chorus.gateway.Main", "dev")
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway-" + System.nanoTime() + ".log").toFile());
        pb.environment().put("CHORUS_HTTP_PORT", String.valueOf(http));
        pb.environment().put("CHORUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("CHORUS_KAFKA_EMBEDDED_PORT", String.valueOf(kafka));
        pb.environment().put("CHORUS_KAFKA_EMBEDDED_CONTROLLER_PORT", String.valueOf(controller));
        pb.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        return pb.start();
    }

    private static void awaitReady(int port, Process p) {
        Conditions.await("dev mode ready", Duration.ofSeconds(60), () -> {
            if (!p.isAlive()) {
                throw new AssertionError("chorus dev exited with " + p.exitValue());
            }
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
    }

    private static JsonNode post(int port, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/channels/chat:room1/messages")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r::body);
        return WsProbe.JSON.readTree(r.body());
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM: the shutdown hook stops the gateway and the broker
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chorus dev stopped on SIGTERM");
    }

    @Test
    void devModeRunsEmbeddedKafkaAndKeepsItsDataAcrossARestart(@TempDir Path dir) throws Exception {
        int http = freePort();
        int kafka = freePort();
        int controller = freePort();
        Process first = start(dir, http, kafka, controller);
        Position before;
        try {
            awaitReady(http, first);
            before = Position.decode(post(http, "{\"data\":{\"text\":\"before restart\"}}").get("position").asText());
        } finally {
            stop(first);
        }
        assertTrue(dir.resolve("data/kafka/logs").toFile().isDirectory(), "data under ./data");
        Process second = start(dir, http, kafka, controller);
        try {
            awaitReady(http, second);
            Position after = Position.decode(post(http, "{\"data\":{\"text\":\"after restart\"}}")
                    .get("position").asText());
            assertEquals(before.topicId(), after.topicId(), "same topic");
            assertEquals(before.offset() + 1, after.offset(), "offsets continue");
            HttpResponse<String> history = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                    + "/v1/channels/chat:room1/messages?limit=10")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode messages = WsProbe.JSON.readTree(history.body()).get("messages");
            assertEquals(2, messages.size());
            assertEquals("before restart", messages.get(1).get("data").get("text").asText());
        } finally {
            stop(second);
        }
    }
}
