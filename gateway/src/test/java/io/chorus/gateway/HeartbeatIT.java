package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.schema.CloseReason;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Heartbeats both ways and the idle timeout, with short settings. */
class HeartbeatIT {

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(TestGateway.heartbeat(Duration.ofMillis(200), Duration.ofMillis(800)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aSilentClientGetsPingsAndIsClosedWithIdleTimeout() throws Exception {
        try (WsProbe silent = WsProbe.connect(gateway.wsUri()).answerPings(false)) {
            assertEquals("ping", silent.expect("ping").get("type").asText());
            assertEquals(CloseReason.IDLE_TIMEOUT.code(), silent.awaitClose(Duration.ofSeconds(10)));
        }
    }

    @Test
    void aClientThatAnswersPingsStaysConnectedPastTheIdleTimeout() throws Exception {
        try (WsProbe polite = WsProbe.connect(gateway.wsUri()); WsProbe silent = WsProbe.connect(gateway.wsUri())
                .answerPings(false)) {
            // The silent one is closed after the idle timeout; by then the polite one has passed it too.
            assertEquals(CloseReason.IDLE_TIMEOUT.code(), silent.awaitClose(Duration.ofSeconds(10)));
            polite.send("{\"type\":\"ping\",\"ref\":\"alive\"}");
            assertEquals("alive", polite.expect("pong").get("ref").asText());
        }
    }

    @Test
    void healthAndMetricsEndpointsAnswer() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> live = http.send(HttpRequest.newBuilder(gateway.http("/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, live.statusCode());
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(gateway.http("/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready::body);
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(gateway.http("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        for (String name : new String[] {"chorus_connections", "chorus_subscriptions", "chorus_records_in_total",
            "chorus_messages_out_total", "chorus_bytes_out_total", "chorus_delivery_latency_seconds"}) {
            org.junit.jupiter.api.Assertions.assertTrue(metrics.body().contains(name), name);
        }
    }
}
