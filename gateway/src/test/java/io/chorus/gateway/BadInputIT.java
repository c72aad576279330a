package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.WsProbe;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input gets its enumerated error; the connection stays open and other clients are unaffected.
 * A control subscriber watches a channel throughout and must receive every message.
 */
class BadInputIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static List<Arguments> badFrames() {
        String longName = "a".repeat(201);
        return List.of(
                Arguments.of("{not json", "bad_json"),
                Arguments.of("[1,2,3]", "bad_json"),
                Arguments.of("\"just a string\"", "bad_json"),
                Arguments.of("{\"type\":\"dance\",\"ref\":\"r\"}", "unknown_type"),
                Arguments.of("{\"ref\":\"r\"}", "invalid_field"),
                Arguments.of("{\"type\":7,\"ref\":\"r\"}", "invalid_field"),
                Arguments.of("{\"type\":\"subscribe\",\"ref\":\"r\"}", "invalid_field"),
                Arguments.of("{\"type\":\"subscribe\",\"ref\":\"r\",\"channel\":\"\"}", "invalid_channel"),
                Arguments.of("{\"type\":\"subscribe\",\"ref\":\"r\",\"channel\":\"has space\"}", "invalid_channel"),
                Arguments.of("{\"type\":\"subscribe\",\"ref\":\"r\",\"channel\":\"" + longName + "\"}", "invalid_channel"),
                Arguments.of("{\"type\":\"subscribe\",\"ref\":\"r\",\"channel\":\":x\"}", "invalid_channel"),
                Arguments.of("{\"type\":\"subscribe\",\"ref\":\"r\",\"channel\":\"x\",\"since\":\"garbage\"}",
                        "invalid_position"),
                Arguments.of("{\"type\":\"subscribe\",\"ref\":\"r\",\"channel\":\"x\",\"since\":5}", "invalid_position"),
                Arguments.of("{\"type\":\"subscribe\",\"ref\":\"r\",\"channel\":\"x\",\"rewind\":0}", "invalid_field"),
                Arguments.of("{\"type\":\"subscribe\",\"ref\":\"r\",\"channel\":\"x\",\"rewind\":100000}",
                        "invalid_field"),
                Arguments.of("{\"type\":\"subscribe\",\"ref\":\"r\",\"channel\":\"x\",\"rewind\":2,\"since\":\"a\"}",
                        "invalid_field"),
                Arguments.of("{\"type\":\"unsubscribe\",\"ref\":\"r\",\"channel\":\"never\"}", "not_subscribed"),
                Arguments.of("{\"type\":\"publish\",\"ref\":\"r\",\"channel\":\"x\"}", "invalid_field"),
                Arguments.of("{\"type\":\"publish\",\"ref\":\"r\",\"channel\":\"x\",\"data\":1,\"id\":\"sp ace\"}",
                        "invalid_field"),
                Arguments.of("{\"type\":\"publish\",\"ref\":\"r\",\"channel\":\"x\",\"data\":\"%%\",\"encoding\":\"base64\"}",
                        "invalid_field"),
                Arguments.of("{\"type\":\"publish\",\"ref\":\"r\",\"channel\":\"x\",\"data\":1,\"encoding\":\"rot13\"}",
                        "invalid_field"),
                Arguments.of("{\"type\":\"ping\",\"ref\":\"" + "r".repeat(65) + "\"}", "invalid_field"),
                Arguments.of("{\"type\":\"publish\",\"ref\":\"r\",\"channel\":\"x\",\"data\":\"" + "d".repeat(70_000)
                        + "\"}", "message_too_large"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("badFrames")
    void eachBadFrameGetsItsErrorAndTheConnectionKeepsWorking(String frame, String error) throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":control";
        try (Backend backend = new Backend(ns, ch); WsProbe control = WsProbe.connect(gateway.wsUri());
             WsProbe bad = WsProbe.connect(gateway.wsUri())) {
            control.send("{\"type\":\"subscribe\",\"ref\":\"c\",\"channel\":\"" + ch + "\"}");
            control.expect("subscribed");
            bad.send(frame);
            JsonNode err = bad.expect("error");
            assertEquals(error, err.get("error").asText(), err::toString);
            assertFalse(err.get("message").asText().isEmpty());
            backend.send(1);
            assertEquals(1, control.expect("message").get("data").get("n").asInt());
            // The bad client's connection still answers.
            bad.send("{\"type\":\"ping\",\"ref\":\"after\"}");
            assertEquals("after", bad.expect("pong").get("ref").asText());
            bad.assertNoMoreFrames();
            control.assertNoMoreFrames();
        }
    }

    @Test
    void binaryFramesGetAnErrorAndTheConnectionStaysOpen() throws Exception {
        try (WsProbe p = WsProbe.connect(gateway.wsUri())) {
            p.sendBinary(new byte[] {1, 2, 3});
            assertEquals("binary_not_supported", p.expect("error").get("error").asText());
            p.assertNoMoreFrames();
        }
    }

    @Test
    void subscribingTwiceOrToUnknownNamespacesIsRefusedWithItsCode() throws Exception {
        String ch = TestGateway.freshNamespace() + ":twice";
        try (WsProbe p = WsProbe.connect(gateway.wsUri())) {
            p.send("{\"type\":\"subscribe\",\"ref\":\"1\",\"channel\":\"" + ch + "\"}");
            p.expect("subscribed");
            p.send("{\"type\":\"subscribe\",\"ref\":\"2\",\"channel\":\"" + ch + "\"}");
            JsonNode err = p.expect("error");
            assertEquals("already_subscribed", err.get("error").asText());
            assertEquals("2", err.get("ref").asText());
            p.assertNoMoreFrames();
        }
        try (TestGateway strict = TestGateway.start(c -> io.chorus.gateway.config.ConfigLoader.load(false, null,
                java.util.Map.of("KAFKA_BOOTSTRAP_SERVERS", c.kafka().bootstrapServers(), "CHORUS_HTTP_PORT", "0",
                        "CHORUS_HTTP_HOST", "127.0.0.1", "CHORUS_AUTH_ANONYMOUS", "true")));
             WsProbe p = WsProbe.connect(strict.wsUri())) {
            p.send("{\"type\":\"subscribe\",\"ref\":\"1\",\"channel\":\"nosuchns:room\"}");
            assertEquals("unknown_namespace", p.expect("error").get("error").asText());
            p.assertNoMoreFrames();
        }
    }

    @Test
    void aMessageBeyondTheLimitIsRefusedWithoutKeepingItAndTheConnectionStaysOpen() throws Exception {
        try (WsProbe big = WsProbe.connect(gateway.wsUri())) {
            big.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(250_000) + "\"}");
            assertEquals("message_too_large", big.expect("error").get("error").asText());
            big.assertNoMoreFrames();
        }
    }

    @Test
    void aSingleFrameBeyondTheTransportLimitClosesTheConnectionWith1009AndOthersKeepWorking() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try (WsProbe other = WsProbe.connect(gateway.wsUri())) {
            var client = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
                    .setMaxFrameSize(1_000_000));
            var ws = client.connect(gateway.gateway().port(), "127.0.0.1", "/v1/ws").await(10,
                    java.util.concurrent.TimeUnit.SECONDS);
            java.util.concurrent.CompletableFuture<Short> code = new java.util.concurrent.CompletableFuture<>();
            ws.closeHandler(v -> code.complete(ws.closeStatusCode()));
            ws.writeFrame(io.vertx.core.http.WebSocketFrame.textFrame("x".repeat(300_000), true));
            // The server answers the frame's header with a close 1009 and keeps reading (discarding)
            // until the client closes, so the close frame is not lost to a TCP reset.
            short closed = code.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(1009, closed);
            other.assertNoMoreFrames();
        } finally {
            vertx.close();
        }
    }

    static List<Arguments> badRequests() {
        String ch = "/v1/channels/x/messages";
        return List.of(
                Arguments.of("GET", "/v1/channels/bad%20name/messages", null, 400, "invalid_channel"),
                Arguments.of("GET", "/v1/channels/%25zz/messages", null, 400, "invalid_channel"),
                Arguments.of("GET", ch + "?limit=0", null, 400, "invalid_field"),
                Arguments.of("GET", ch + "?limit=abc", null, 400, "invalid_field"),
                Arguments.of("GET", ch + "?limit=100000", null, 400, "invalid_field"),
                Arguments.of("GET", ch + "?since=nope", null, 400, "invalid_position"),
                Arguments.of("GET", ch + "?since=a&before=b", null, 400, "invalid_field"),
                Arguments.of("GET", "/v1/nothing", null, 404, "not_found"),
                Arguments.of("POST", ch, "{broken", 400, "bad_json"),
                Arguments.of("POST", ch, "[]", 400, "bad_json"),
                Arguments.of("POST", ch, "{}", 400, "invalid_field"),
                Arguments.of("POST", ch, "{\"data\":1,\"name\":\"\"}", 400, "invalid_field"),
                Arguments.of("POST", ch, "{\"data\":\"" + "d".repeat(70_000) + "\"}", 413, "message_too_large"),
                Arguments.of("POST", ch, "{\"data\":\"" + "d".repeat(300_000) + "\"}", 413, "message_too_large"));
    }

    @ParameterizedTest(name = "{0} {1} -> {3} {4}")
    @MethodSource("badRequests")
    void badHttpRequestsGetTheirEnumeratedError(String method, String path, String body, int status, String error)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.http(path)).header("content-type", "application/json");
        b = body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), r::body);
        assertEquals(error, WsProbe.JSON.readTree(r.body()).get("error").asText(), r::body);
    }
}
