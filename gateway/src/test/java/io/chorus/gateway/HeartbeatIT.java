package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chorus.gateway.testing.HalfOpenClient;
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
    void aConnectionThatSendsNothingNotEvenPongsIsClosedWithIdleTimeout() throws Exception {
        try (HalfOpenClient dead = new HalfOpenClient(gateway.gateway().port(), "/v1/ws")) {
            assertEquals(CloseReason.IDLE_TIMEOUT.code(), dead.awaitCloseCode());
        }
    }

    @Test
    void quietClientsWhoseStackAnswersPingsStayConnectedPastTheIdleTimeout() throws Exception {
        // Neither probe sends JSON; their WebSocket stacks answer the server's pings on their own.
        try (WsProbe quiet = WsProbe.connect(gateway.wsUri()).answerPings(false);
             HalfOpenClient dead = new HalfOpenClient(gateway.gateway().port(), "/v1/ws")) {
            assertEquals("ping", quiet.expect("ping").get("type").asText());
            // By the time the dead one is closed, the quiet one has been idle past the timeout too.
            assertEquals(CloseReason.IDLE_TIMEOUT.code(), dead.awaitCloseCode());
            quiet.send("{\"type\":\"ping\",\"ref\":\"alive\"}");
            assertEquals("alive", quiet.awaitFrame(f -> "pong".equals(f.path("type").asText()),
                    Duration.ofSeconds(10)).get("ref").asText());
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
