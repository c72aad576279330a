package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestTokens;
import io.chorus.gateway.testing.WsProbe;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Long-polling watches and what the client saw between two polls ({@code presenceSeen},
 * {@code occupancySeen}): a change that happened after one poll answered and before the next began
 * answers the next one at once, with the new state; an unchanged state rides along as before.
 * The poll timeout is long (20 s) and every poll that must answer at once is given half of it, so
 * the old behaviour (the first frames only ride along) fails these tests.
 */
class PollPresenceIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration AT_ONCE = POLL_TIMEOUT.dividedBy(2);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        Map<String, String> env = TestGateway.env();
        env.put("CHORUS_NAMESPACES_ALLOW_ANY", "true");
        env.put("CHORUS_AUTH_ANONYMOUS", "true");
        env.put("CHORUS_AUTH_HMAC_SECRET", TestTokens.SECRET);
        env.put("CHORUS_PRESENCE_FLUSH_INTERVAL", "50ms");
        env.put("CHORUS_PRESENCE_OCCUPANCY_INTERVAL", "200ms");
        env.put("CHORUS_FALLBACK_POLL_TIMEOUT", POLL_TIMEOUT.toMillis() + "ms");
        gateway = TestGateway.start(c -> ConfigLoader.load(false, null, env)).awaitPresenceReady();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static WsProbe member(String sub, String channel) throws Exception {
        String token = TestTokens.hs256(TestTokens.claims(sub, 600, Map.of("*", new String[] {"subscribe", "presence"})));
        WsProbe w = WsProbe.connect(URI.create(gateway.wsUri() + "?token=" + token));
        w.send("{\"type\":\"enter\",\"ref\":\"e\",\"channel\":\"" + channel + "\",\"data\":{\"name\":\"" + sub + "\"}}");
        assertEquals("entered", w.awaitFrame(f -> "e".equals(f.path("ref").asText()), WAIT).path("type").asText());
        // Stored in Kafka is not yet in the pod's view (its presence reader reads the share back): the
        // member is "between two polls" once the pod lists it.
        String reader = TestTokens.hs256(TestTokens.claims("reader", 600, Map.of("*", new String[] {"presence"})));
        Conditions.await(sub + " listed by the pod", WAIT, () -> {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(gateway.http("/v1/channels/"
                        + URLEncoder.encode(channel, StandardCharsets.UTF_8) + "/presence"))
                        .header("Authorization", "Bearer " + reader).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && ids(WsProbe.JSON.readTree(r.body())).contains(sub);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        return w;
    }

    private static HttpResponse<String> send(String query, Duration within) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(gateway.http("/v1/poll?" + query)).timeout(within).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A poll that must answer before half the poll timeout (an HttpTimeoutException fails the test). */
    private static JsonNode poll(String query) throws Exception {
        HttpResponse<String> r = send(query, AT_ONCE);
        assertEquals(200, r.statusCode(), r::body);
        return WsProbe.JSON.readTree(r.body());
    }

    /** A poll that waits: started, seen waiting on the gateway, then answered by a message. */
    private static JsonNode pollThatWaits(String query, Backend backend, int n) throws Exception {
        double before = waiting();
        CompletableFuture<HttpResponse<String>> f = HTTP.sendAsync(
                HttpRequest.newBuilder(gateway.http("/v1/poll?" + query)).timeout(WAIT.plus(POLL_TIMEOUT)).build(),
                HttpResponse.BodyHandlers.ofString());
        Conditions.await("the poll waiting", WAIT, () -> waiting() == before + 1 || f.isDone());
        assertTrue(!f.isDone() || !messages(f.join()).isEmpty(), () -> "answered at once: " + f.join().body());
        backend.send(n);
        HttpResponse<String> r = f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(200, r.statusCode(), r::body);
        JsonNode answer = WsProbe.JSON.readTree(r.body());
        assertEquals(n, answer.path("messages").path(0).path("data").path("n").asInt(-1),
                () -> "answered by the message, not before it: " + r.body());
        return answer;
    }

    private static List<JsonNode> messages(HttpResponse<String> r) {
        List<JsonNode> out = new ArrayList<>();
        try {
            WsProbe.JSON.readTree(r.body()).path("messages").forEach(out::add);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static double waiting() {
        return gateway.gateway().metrics().registry().get("chorus_connections").tag("transport", "poll").gauge().value();
    }

    private static double changedBetweenPolls(String watch) {
        return gateway.gateway().metrics().registry().get("chorus_poll_changed_between_polls").tag("watch", watch)
                .counter().count();
    }

    private static List<JsonNode> events(JsonNode answer, String type) {
        List<JsonNode> out = new ArrayList<>();
        answer.path("events").forEach(e -> {
            if (type.equals(e.path("type").asText())) {
                out.add(e);
            }
        });
        return out;
    }

    private static List<String> ids(JsonNode sync) {
        List<String> out = new ArrayList<>();
        sync.path("members").forEach(m -> out.add(m.path("clientId").asText()));
        return out;
    }

    @Test
    void aPollWhoseClientSawOneMemberAnswersAtOnceWhenTheChannelNowHasTwo() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room";
        String base = "channel=" + q(ch) + "&presence=" + q(ch);
        try (Backend backend = new Backend(ns, ch); WsProbe ada = member("ada", ch)) {
            String positions = poll(base + "&timeout=0").path("positions").asText();
            // Nothing seen yet (an empty entry): the member list is news.
            JsonNode first = poll(base + "&positions=" + q(positions) + "&presenceSeen=");
            JsonNode one = events(first, "presence_sync").get(0);
            assertEquals(List.of("ada"), ids(one));
            String sawAda = one.path("digest").asText();
            positions = first.path("positions").asText();

            try (WsProbe bob = member("bob", ch)) {
                double stale = changedBetweenPolls("presence");
                // Bob entered between two polls: the next one answers at once with both.
                JsonNode second = poll(base + "&positions=" + q(positions) + "&presenceSeen=" + sawAda);
                List<JsonNode> syncs = events(second, "presence_sync");
                assertEquals(1, syncs.size(), second::toString);
                assertEquals(List.of("ada", "bob"), ids(syncs.get(0)));
                String sawBoth = syncs.get(0).path("digest").asText();
                assertNotEquals(sawAda, sawBoth);
                assertEquals(stale + 1, changedBetweenPolls("presence"));

                // The client saw both: nothing is news, the sync rides along with the next message.
                JsonNode third = pollThatWaits(base + "&positions=" + q(second.path("positions").asText())
                        + "&presenceSeen=" + sawBoth, backend, 7);
                assertEquals(List.of(sawBoth), events(third, "presence_sync").stream()
                        .map(s -> s.path("digest").asText()).toList());
                assertEquals(stale + 1, changedBetweenPolls("presence"));
            }
        }
    }

    @Test
    void aPollWhoseClientSawOtherCountsAnswersAtOnceAndEqualCountsRideAlong() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room";
        String base = "channel=" + q(ch) + "&occupancy=" + q(ch);
        try (Backend backend = new Backend(ns, ch); WsProbe ada = member("ada", ch)) {
            String positions = poll(base + "&timeout=0").path("positions").asText();
            double stale = changedBetweenPolls("occupancy");
            JsonNode first = poll(base + "&positions=" + q(positions) + "&occupancySeen=" + q("999:999"));
            List<JsonNode> counts = events(first, "occupancy");
            assertEquals(1, counts.size(), first::toString);
            assertEquals(1, counts.get(0).path("members").asInt());
            assertEquals(stale + 1, changedBetweenPolls("occupancy"));

            // Equal counts: the poll waits, though its own subscription moves the count by one as it
            // starts (the previous poll's ended, its own reaches the counts): that is not news.
            String saw = counts.get(0).path("subscribers").asInt() + ":" + counts.get(0).path("members").asInt();
            String p = first.path("positions").asText();
            JsonNode third = pollThatWaits(base + "&positions=" + q(p) + "&occupancySeen=" + q(saw), backend, 3);
            JsonNode firstCounts = events(third, "occupancy").get(0);
            assertEquals(1, firstCounts.path("members").asInt(), third::toString);
            assertTrue(Math.abs(firstCounts.path("subscribers").asInt() - counts.get(0).path("subscribers").asInt()) <= 1,
                    third::toString);
            assertEquals(stale + 1, changedBetweenPolls("occupancy"));
        }
    }

    @Test
    void badSeenParametersAreRefusedAsInvalidField() throws Exception {
        String d = "0123456789abcdef";
        String[] cases = {
            "channel=a&channel=b&presence=a&presenceSeen=" + d,
            "channel=a&presence=a&presenceSeen=nothex",
            "channel=a&presence=a&presenceSeen=" + d + "&presenceSeen=" + d,
            "channel=a&occupancy=a&occupancySeen=" + q("1:-2"),
            "channel=a&occupancy=a&occupancySeen=" + q(",".repeat(200)),
        };
        for (String c : cases) {
            HttpResponse<String> r = send(c, WAIT);
            assertEquals(400, r.statusCode(), c);
            assertEquals("invalid_field", WsProbe.JSON.readTree(r.body()).path("error").asText(), c);
        }
    }
}
