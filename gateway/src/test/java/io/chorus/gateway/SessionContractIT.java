package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.config.GatewayConfig;
import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestTokens;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.gateway.testing.probe.ClientProbe;
import io.chorus.gateway.testing.probe.ClientProbe.Kind;
import io.chorus.gateway.testing.probe.ClientProbe.Open;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The session contract, run once per transport through one probe: the same rules for resume on
 * another pod, token expiry, presence and bad stream requests on WebSocket, SSE and long-polling.
 */
class SessionContractIT {

    private static TestGateway a;
    private static TestGateway b;

    @BeforeAll
    static void start() {
        a = TestGateway.start(SessionContractIT::tune).awaitPresenceReady();
        b = TestGateway.start(SessionContractIT::tune).awaitPresenceReady();
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    private static GatewayConfig tune(GatewayConfig ignored) {
        Map<String, String> env = TestGateway.env();
        env.put("CHORUS_NAMESPACES_ALLOW_ANY", "true");
        env.put("CHORUS_AUTH_HMAC_SECRET", TestTokens.SECRET);
        env.put("CHORUS_AUTH_CLOCK_SKEW", "0s");
        env.put("CHORUS_AUTH_EXPIRY_WARNING", "2s");
        env.put("CHORUS_PRESENCE_GRACE", "1s");
        env.put("CHORUS_PRESENCE_FLUSH_INTERVAL", "50ms");
        env.put("CHORUS_PRESENCE_OCCUPANCY_INTERVAL", "200ms");
        env.put("CHORUS_FALLBACK_POLL_TIMEOUT", "1s");
        env.put("CHORUS_CONNECTION_HEARTBEAT", "400ms");
        env.put("CHORUS_CONNECTION_IDLE_TIMEOUT", "2s");
        return ConfigLoader.load(false, null, env);
    }

    private static String token(String sub, long seconds, String... ops) {
        return TestTokens.hs256(TestTokens.claims(sub, seconds, Map.of("*", ops)));
    }

    private static String everything(String sub) {
        return token(sub, 600, "subscribe", "publish", "presence", "history");
    }

    private static int port(TestGateway g) {
        return g.wsUri().getPort();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void resumeOnAnotherPodDeliversEveryMissedMessageOnceInOrderThenLive(Kind kind) throws Exception {
        String ns = TestGateway.freshNamespace();
        String x = ns + ":x";
        String y = ns + ":y";
        Map<String, String> last = new HashMap<>();
        try (Backend bx = new Backend(ns, x); Backend by = new Backend(ns, y)) {
            try (ClientProbe c = kind.open(port(a), Open.of(x, y).token(everything("ada")))) {
                c.expect("subscribed");
                c.expect("subscribed");
                bx.sendRange(0, 3);
                by.sendRange(0, 2);
                for (int i = 0; i < 5; i++) {
                    JsonNode m = c.expect("message");
                    last.put(m.path("channel").asText(), m.path("position").asText());
                }
            }
            bx.sendRange(3, 7);
            by.sendRange(2, 4);
            try (ClientProbe c = kind.open(port(b), Open.of(x, y).since(last).token(everything("ada")))) {
                // Per channel: subscribed (resumed) first, then its missed messages in order; the two
                // channels' frames may interleave (one may replay before the other is subscribed).
                Map<String, Integer> next = new HashMap<>(Map.of(x, 3, y, 2));
                java.util.Set<String> resumed = new java.util.HashSet<>();
                for (int i = 0; i < 8; i++) {
                    JsonNode f = c.await("a frame", any -> true);
                    String ch = f.path("channel").asText();
                    if ("subscribed".equals(f.path("type").asText())) {
                        assertTrue(f.path("resumed").asBoolean(), kind + ": resumed on pod b");
                        assertTrue(resumed.add(ch), kind + ": one subscribed per channel");
                        continue;
                    }
                    assertEquals("message", f.path("type").asText(), f::toString);
                    assertTrue(resumed.contains(ch), kind + ": subscribed before the channel's messages");
                    assertEquals((int) next.get(ch), f.path("data").path("n").asInt(), kind + ": order, no gap, no double");
                    next.put(ch, next.get(ch) + 1);
                }
                assertEquals(Map.of(x, 7, y, 4), next, kind + ": every missed message");
                bx.send(7);
                JsonNode live = c.expect("message");
                assertEquals(7, live.path("data").path("n").asInt(), kind + ": then live");
            }
        }
    }

    /**
     * A quiet session stays open well past the idle timeout: WebSocket and SSE show heartbeats (the
     * WebSocket client answers them), a long-poll answers at its timeout and polls again; then a message
     * still arrives.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aQuietSessionIsKeptAliveByItsHeartbeatAndStaysUsable(Kind kind) throws Exception {
        String ns = TestGateway.freshNamespace();
        String x = ns + ":x";
        try (Backend bx = new Backend(ns, x); ClientProbe c = kind.open(port(a), Open.of(x).token(everything("hal")))) {
            c.expect("subscribed");
            // 400 ms heartbeats (1 s poll timeout): 8 of them span twice the 2 s idle timeout.
            int want = kind == Kind.POLL ? 4 : 8;
            io.chorus.gateway.testing.Conditions.await(want + " beats", ClientProbe.WAIT, () -> c.beats() >= want);
            bx.send(1);
            assertEquals(1, c.expect("message").path("data").path("n").asInt(), kind + ": still open and live");
        }
    }

    /** A stream outlived its token before: now every transport warns, then ends at exp the same way. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void theSessionIsWarnedThenEndedWithTokenExpiredWhenItsTokenExpires(Kind kind) throws Exception {
        String ns = TestGateway.freshNamespace();
        String x = ns + ":x";
        try (Backend bx = new Backend(ns, x);
             ClientProbe c = kind.open(port(a), Open.of(x).token(token("bea", 3, "subscribe")))) {
            // The warning comes expiryWarning before exp: at once here, so maybe before subscribed.
            List<String> types = new java.util.ArrayList<>();
            JsonNode f;
            while (!"END".equals((f = c.await("a frame", any -> true)).path("type").asText())) {
                types.add(f.path("type").asText());
            }
            assertEquals("token_expired", f.path("reason").asText(), kind + ": the session ends at exp (clock skew 0)");
            assertTrue(types.contains("subscribed") && types.contains("auth_expiring"), kind + ": " + types);
            bx.send(1);
            assertEquals(List.of(), c.drain().stream().filter(m -> "message".equals(m.path("type").asText())).toList(),
                    kind + ": nothing after the end");
        }
    }

    /**
     * Presence on every transport: a member entered over it is seen by a WebSocket watcher, it sees
     * others enter, and when it goes the grace period runs out into a leave.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMemberEnteredOverTheTransportIsSeenAndSeesOthers(Kind kind) throws Exception {
        String room = TestGateway.freshNamespace() + ":room";
        String cal = "cal-" + kind.name().toLowerCase();
        try (WsProbe watcher = WsProbe.connect(URI.create(a.wsUri() + "?token=" + everything("watcher")))) {
            watcher.send("{\"type\":\"subscribe\",\"ref\":\"1\",\"channel\":\"" + room + "\",\"presence\":true}");
            watcher.expect("subscribed");
            watcher.expect("presence_sync");
            Open open = Open.of(room).watching(Set.of(room), Set.of(room))
                    .entering(Map.of(room, WsProbe.JSON.readTree("{\"name\":\"Cal\"}"))).token(everything(cal));
            try (ClientProbe c = kind.open(port(b), open)) {
                c.await("entered", f -> "entered".equals(f.path("type").asText()));
                JsonNode seen = watcher.awaitFrame(f -> "presence_event".equals(f.path("type").asText())
                        && cal.equals(f.path("member").path("clientId").asText()), ClientProbe.WAIT);
                assertEquals("enter", seen.path("action").asText());
                assertEquals("Cal", seen.path("member").path("data").path("name").asText());
                try (WsProbe dan = WsProbe.connect(URI.create(a.wsUri() + "?token=" + everything("dan")))) {
                    dan.send("{\"type\":\"enter\",\"ref\":\"e\",\"channel\":\"" + room + "\",\"data\":null}");
                    dan.expect("entered");
                    // Over long-polling an event between two polls shows in the next poll's sync.
                    c.await("dan entering", f -> isEnter(f, "dan") || inSync(f, "dan"));
                    c.await("occupancy", f -> "occupancy".equals(f.path("type").asText()));
                }
            }
            JsonNode left = watcher.awaitFrame(f -> "presence_event".equals(f.path("type").asText())
                    && "leave".equals(f.path("action").asText()) && cal.equals(f.path("member").path("clientId").asText()),
                    ClientProbe.WAIT);
            assertEquals(room, left.path("channel").asText());
        }
    }

    /** A client that only wants to be present needs no channel: the stream enters and nothing else. */
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"SSE", "POLL"})
    void aStreamThatOnlyEntersKeepsItsClientPresent(Kind kind) throws Exception {
        String room = TestGateway.freshNamespace() + ":lobby";
        String kim = "kim-" + kind.name().toLowerCase();
        try (WsProbe watcher = WsProbe.connect(URI.create(a.wsUri() + "?token=" + everything("watcher")))) {
            watcher.send("{\"type\":\"subscribe\",\"ref\":\"1\",\"channel\":\"" + room + "\",\"presence\":true}");
            watcher.expect("subscribed");
            watcher.expect("presence_sync");
            Open open = new Open(List.of(), Map.of(), Set.of(), Set.of(), Map.of(room, WsProbe.JSON.readTree("1")),
                    token(kim, 600, "presence"));
            try (ClientProbe c = kind.open(port(b), open)) {
                c.await("entered", f -> "entered".equals(f.path("type").asText()));
                assertTrue(isEnter(watcher.awaitFrame(f -> "presence_event".equals(f.path("type").asText()),
                        ClientProbe.WAIT), kim));
            }
        }
    }

    /**
     * {@code timeout=0}: a poll that carries a new enter is answered once the enter is stored, not at
     * the poll timeout (a minute here, longer than the client waits); a short timeout is honoured too.
     */
    @org.junit.jupiter.api.Test
    void aPollWithTimeoutZeroAnswersOnceItsEntersAreStored() throws Exception {
        Map<String, String> env = TestGateway.env();
        env.put("CHORUS_NAMESPACES_ALLOW_ANY", "true");
        env.put("CHORUS_AUTH_HMAC_SECRET", TestTokens.SECRET);
        env.put("CHORUS_FALLBACK_POLL_TIMEOUT", "60s");
        String ch = TestGateway.freshNamespace() + ":x";
        var http = java.net.http.HttpClient.newHttpClient();
        try (TestGateway slow = TestGateway.start(c -> ConfigLoader.load(false, null, env))) {
            slow.awaitPresenceReady(); // until then, a pod that has just started answers enters with topic_missing
            String q = "/v1/poll?channel=" + ch + "&token=" + everything("lea") + "&enter="
                    + java.net.URLEncoder.encode("{\"" + ch + "\":{\"n\":1}}", java.nio.charset.StandardCharsets.UTF_8);
            var first = http.send(java.net.http.HttpRequest.newBuilder(slow.http(q + "&timeout=0"))
                    .timeout(java.time.Duration.ofSeconds(20)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, first.statusCode(), first::body);
            JsonNode answer = WsProbe.JSON.readTree(first.body());
            assertEquals("entered", answer.path("events").path(0).path("type").asText(), first::body);
            String positions = answer.path("positions").asText();
            var quiet = http.send(java.net.http.HttpRequest.newBuilder(slow.http(q + "&timeout=200&positions=" + positions))
                    .timeout(java.time.Duration.ofSeconds(20)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, quiet.statusCode(), quiet::body);
            assertEquals(0, WsProbe.JSON.readTree(quiet.body()).path("messages").size());
        }
    }

    private static boolean isEnter(JsonNode f, String clientId) {
        return "presence_event".equals(f.path("type").asText()) && "enter".equals(f.path("action").asText())
                && clientId.equals(f.path("member").path("clientId").asText());
    }

    private static boolean inSync(JsonNode f, String clientId) {
        if (!"presence_sync".equals(f.path("type").asText())) {
            return false;
        }
        for (JsonNode m : f.path("members")) {
            if (clientId.equals(m.path("clientId").asText())) {
                return true;
            }
        }
        return false;
    }

    /** What a stream asks for is checked before it starts: refusals are enumerated errors, nothing starts. */
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"SSE", "POLL"})
    void badStreamRequestsAreRefusedBeforeAnythingStarts(Kind kind) throws Exception {
        String ch = TestGateway.freshNamespace() + ":x";
        String other = TestGateway.freshNamespace() + ":y";
        record Case(Open open, String error) {
        }
        String big = "\"" + "x".repeat(2000) + "\"";
        List<Case> cases = List.of(
                new Case(Open.of(ch).watching(Set.of(other), Set.of()).token(everything("eve")), "invalid_field"),
                new Case(Open.of(ch).watching(Set.of(), Set.of(other)).token(everything("eve")), "invalid_field"),
                new Case(Open.of(ch).entering(Map.of(other, WsProbe.JSON.readTree(big))).token(everything("eve")),
                        "message_too_large"),
                new Case(Open.of(ch).watching(Set.of(ch), Set.of()).token(token("eve", 600, "subscribe")), "forbidden"),
                new Case(Open.of(ch).entering(Map.of(ch, WsProbe.JSON.nullNode())).token(token("eve", 600, "subscribe")),
                        "forbidden"),
                new Case(Open.of(ch).token(token("eve", -60, "subscribe")), "token_expired"));
        for (Case k : cases) {
            try (ClientProbe c = kind.open(port(a), k.open())) {
                assertEquals(k.error(), c.awaitEnd(), kind + " " + k);
            }
        }
    }
}
