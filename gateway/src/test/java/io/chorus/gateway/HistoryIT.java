package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.WsProbe;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** History pages, forward and backward, return every record of the channel exactly once. */
class HistoryIT {

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

    static JsonNode get(String pathAndQuery) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(gateway.http(pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        return WsProbe.JSON.readTree(r.body());
    }

    static int n(JsonNode message) {
        return message.get("data").get("n").asInt();
    }

    @Test
    void backwardPagesFromTheEndThenForwardPagesFromTheStartReturnEveryRecordOnce() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":hist";
        int total = 257;
        try (Backend backend = new Backend(ns, ch); Backend noise = new Backend(ns, ns + ":other")) {
            for (int i = 0; i < total; i++) {
                backend.send(i);
                noise.send(-i);
            }
        }
        List<Integer> backward = new ArrayList<>();
        String firstPosition = null;
        String next = "/v1/channels/" + ch + "/messages?limit=50";
        while (next != null) {
            JsonNode page = get(next);
            for (JsonNode m : page.get("messages")) {
                assertEquals(ch, m.get("channel").asText());
                backward.add(n(m));
                firstPosition = m.get("position").asText();
            }
            next = page.get("next").isNull() ? null : page.get("next").asText();
        }
        assertEquals(total, backward.size());
        for (int i = 0; i < total; i++) {
            assertEquals(total - 1 - i, backward.get(i), "newest first, no gap, no duplicate");
        }
        // Forward from the first message: every later one once, oldest first, in pages.
        List<Integer> forward = new ArrayList<>();
        next = "/v1/channels/" + ch + "/messages?since=" + firstPosition + "&limit=40";
        for (int pages = 0; pages < 20; pages++) {
            JsonNode page = get(next);
            if (page.get("messages").isEmpty()) {
                break;
            }
            page.get("messages").forEach(m -> forward.add(n(m)));
            next = page.get("next").asText();
        }
        assertEquals(total - 1, forward.size());
        for (int i = 0; i < total - 1; i++) {
            assertEquals(i + 1, forward.get(i), "oldest first, no gap, no duplicate");
        }
        assertTrue(get(next).get("messages").isEmpty(), "a forward read at the end is empty and can be polled");
    }

    @Test
    void latestNOnAChannelWithFewerMessagesReturnsAllAndNoNextPage() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":few";
        try (Backend backend = new Backend(ns, ch)) {
            backend.sendRange(0, 3);
        }
        JsonNode page = get("/v1/channels/" + ch + "/messages?limit=10");
        assertEquals(3, page.get("messages").size());
        assertTrue(page.get("next").isNull());
        JsonNode empty = get("/v1/channels/" + ns + ":nothing/messages");
        assertEquals(0, empty.get("messages").size());
    }

    @Test
    void publishOverHttpIsAcknowledgedWithAPositionAndARetryWithTheSameIdWritesNothingNew() throws Exception {
        String ch = TestGateway.freshNamespace() + ":posted";
        HttpRequest post = HttpRequest.newBuilder(gateway.http("/v1/channels/" + ch + "/messages"))
                .header("content-type", "application/json").header("Idempotency-Key", "order-42")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"vote\",\"data\":{\"choice\":\"b\"}}")).build();
        HttpResponse<String> first = HTTP.send(post, HttpResponse.BodyHandlers.ofString());
        assertEquals(201, first.statusCode(), first::body);
        JsonNode ack = WsProbe.JSON.readTree(first.body());
        assertFalse(ack.get("duplicate").asBoolean());
        assertNotNull(ack.get("position").asText());
        HttpResponse<String> again = HTTP.send(post, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, again.statusCode(), again::body);
        JsonNode dup = WsProbe.JSON.readTree(again.body());
        assertTrue(dup.get("duplicate").asBoolean());
        assertEquals(ack.get("position"), dup.get("position"));
        JsonNode page = get("/v1/channels/" + ch + "/messages");
        assertEquals(1, page.get("messages").size());
        JsonNode m = page.get("messages").get(0);
        assertEquals("order-42", m.get("id").asText());
        assertEquals("vote", m.get("name").asText());
        assertEquals("b", m.get("data").get("choice").asText());
    }
}
