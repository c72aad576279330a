package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.config.GatewayConfig;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.TestTokens;
import io.chorus.gateway.testing.WsProbe;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Presence and occupancy across pods: two gateways on one broker agree on members and counts; a
 * client that drops and comes back within the grace period causes no leave/enter; a pod killed
 * without warning (SIGKILL of a separate gateway process) loses its members on the others within the
 * lease; bad requests and bad records on the presence topic are refused without harm.
 */
class PresenceIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String LEASE = "4s";
    private static final String GRACE = "2s";

    private static TestGateway a;
    private static TestGateway b;

    @BeforeAll
    static void start() {
        a = TestGateway.start(PresenceIT::tune).awaitPresenceReady();
        b = TestGateway.start(PresenceIT::tune).awaitPresenceReady();
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    private static Map<String, String> env() {
        Map<String, String> env = TestGateway.env();
        env.put("CHORUS_NAMESPACES_ALLOW_ANY", "true");
        env.put("CHORUS_AUTH_ANONYMOUS", "true");
        env.put("CHORUS_AUTH_HMAC_SECRET", TestTokens.SECRET);
        env.put("CHORUS_PRESENCE_LEASE", LEASE);
        env.put("CHORUS_PRESENCE_GRACE", GRACE);
        env.put("CHORUS_PRESENCE_FLUSH_INTERVAL", "50ms");
        env.put("CHORUS_PRESENCE_OCCUPANCY_INTERVAL", "200ms");
        return env;
    }

    private static GatewayConfig tune(GatewayConfig ignored) {
        return ConfigLoader.load(false, null, env());
    }

    private static String token(String sub, String... ops) {
        return TestTokens.hs256(TestTokens.claims(sub, 600, Map.of("*", ops)));
    }

    private static WsProbe client(TestGateway g, String sub) throws Exception {
        return WsProbe.connect(URI.create(g.wsUri() + "?token=" + token(sub, "subscribe", "publish", "presence")));
    }

    private static WsProbe client(int port, String sub) throws Exception {
        return WsProbe.connect(URI.create("ws://127.0.0.1:" + port + "/v1/ws?token="
                + token(sub, "subscribe", "publish", "presence")));
    }

    private static String channel() {
        return TestGateway.freshNamespace() + ":room";
    }

    /** Subscribes with presence and occupancy; returns the presence_sync that follows. */
    private static JsonNode watch(WsProbe w, String channel) throws Exception {
        w.send("{\"type\":\"subscribe\",\"ref\":\"w\",\"channel\":\"" + channel + "\",\"presence\":true,\"occupancy\":true}");
        w.expect("subscribed");
        return w.awaitFrame(f -> "presence_sync".equals(f.path("type").asText()), WAIT);
    }

    private static void enter(WsProbe c, String channel, String data) throws Exception {
        c.send("{\"type\":\"enter\",\"ref\":\"e\",\"channel\":\"" + channel + "\",\"data\":" + data + "}");
        assertEquals("entered", c.awaitFrame(f -> "e".equals(f.path("ref").asText()), WAIT).path("type").asText());
    }

    private static JsonNode event(WsProbe w, String action, String clientId) throws Exception {
        return w.awaitFrame(f -> "presence_event".equals(f.path("type").asText())
                && action.equals(f.path("action").asText())
                && clientId.equals(f.path("member").path("clientId").asText()), WAIT);
    }

    private static JsonNode get(TestGateway g, String channel, String what, String sub) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(g.http("/v1/channels/" + channel + "/" + what))
                .header("authorization", "Bearer " + token(sub, "subscribe", "presence")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        return WsProbe.JSON.readTree(r.body());
    }

    private static List<String> ids(JsonNode members) {
        List<String> ids = new ArrayList<>();
        members.forEach(m -> ids.add(m.path("clientId").asText()));
        return ids;
    }

    /**
     * A refresh that drops the presence right stops the presence watch (it used to keep sending
     * presence_event frames): the occupancy watch, which subscribe still allows, goes on and shows the
     * change, and no presence_event comes before it on the same connection.
     */
    @Test
    void aRefreshWithoutThePresenceRightStopsPresenceEventsButNotOccupancy() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":x";
        String wide = TestTokens.hs256(TestTokens.claims("ivy", 600, Map.of(ns + ":*", new String[] {"subscribe", "presence"})));
        String narrow = TestTokens.hs256(TestTokens.claims("ivy", 600, Map.of(ns + ":*", new String[] {"subscribe"})));
        try (WsProbe ivy = WsProbe.connect(URI.create(a.wsUri() + "?token=" + wide)); WsProbe joe = client(a, "joe")) {
            JsonNode sync = watch(ivy, ch);
            assertEquals(0, sync.path("count").asInt());
            ivy.awaitFrame(f -> "occupancy".equals(f.path("type").asText()), WAIT);
            ivy.send("{\"type\":\"auth\",\"ref\":\"r\",\"token\":\"" + narrow + "\"}");
            assertEquals("authed", ivy.expect("authed").path("type").asText());
            ivy.send("{\"type\":\"presence\",\"ref\":\"p\",\"channel\":\"" + ch + "\"}");
            assertEquals("forbidden", ivy.expect("error").path("error").asText());
            enter(joe, ch, "{\"name\":\"Joe\"}");
            // The presence thread hands a watcher the events of a change before the counts that follow it.
            JsonNode next = ivy.awaitFrame(f -> "presence_event".equals(f.path("type").asText())
                    || "occupancy".equals(f.path("type").asText()) && f.path("members").asInt() == 1, WAIT);
            assertEquals("occupancy", next.path("type").asText(), () -> "after the refresh: " + next);
            ivy.assertNoMoreFrames();
        }
    }

    @Test
    void membersAndCountsAgreeOnTwoGateways() throws Exception {
        String ch = channel();
        try (WsProbe watcherA = client(a, "watcher-a"); WsProbe watcherB = client(b, "watcher-b");
             WsProbe ada = client(a, "ada"); WsProbe bob = client(b, "bob")) {
            JsonNode sync = watch(watcherA, ch);
            assertEquals(0, sync.path("count").asInt());
            assertTrue(sync.path("complete").asBoolean());
            watch(watcherB, ch);

            enter(ada, ch, "{\"name\":\"Ada\"}");
            enter(bob, ch, "{\"name\":\"Bob\"}");
            for (WsProbe w : List.of(watcherA, watcherB)) {
                assertEquals("Ada", event(w, "enter", "ada").path("member").path("data").path("name").asText());
                assertEquals("Bob", event(w, "enter", "bob").path("member").path("data").path("name").asText());
            }
            for (TestGateway g : List.of(a, b)) {
                JsonNode members = get(g, ch, "presence", "reader");
                assertEquals(List.of("ada", "bob"), ids(members.path("members")));
                assertEquals(2, members.path("count").asInt());
                Conditions.await("occupancy of 2 subscribers, 2 members on both", WAIT, () -> {
                    try {
                        JsonNode o = get(g, ch, "occupancy", "reader");
                        return o.path("subscribers").asInt() == 2 && o.path("members").asInt() == 2;
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
            }
            watcherA.awaitFrame(f -> "occupancy".equals(f.path("type").asText()) && f.path("members").asInt() == 2
                    && f.path("subscribers").asInt() == 2, WAIT);

            bob.send("{\"type\":\"update\",\"ref\":\"u\",\"channel\":\"" + ch + "\",\"data\":{\"name\":\"Bobby\"}}");
            assertEquals("updated", bob.expect("updated").path("type").asText());
            assertEquals("Bobby", event(watcherA, "update", "bob").path("member").path("data").path("name").asText());

            bob.send("{\"type\":\"presence\",\"ref\":\"p\",\"channel\":\"" + ch + "\"}");
            JsonNode read = bob.awaitFrame(f -> "p".equals(f.path("ref").asText()), WAIT);
            assertEquals("presence", read.path("type").asText());

            ada.send("{\"type\":\"leave\",\"ref\":\"l\",\"channel\":\"" + ch + "\"}");
            ada.expect("left");
            event(watcherB, "leave", "ada");
            // Pod a shows the leave once its presence reader read its own share back: b may see it first.
            Conditions.await("ada gone from pod a's list", WAIT, () -> {
                try {
                    return List.of("bob").equals(ids(get(a, ch, "presence", "reader").path("members")));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });

            // A refreshed token without the presence capability takes bob out (no grace: he was told).
            bob.send("{\"type\":\"auth\",\"ref\":\"t\",\"token\":\"" + token("bob", "subscribe") + "\"}");
            bob.expect("authed");
            event(watcherA, "leave", "bob");
        }
    }

    @Test
    void dropAndResumeWithinGraceIsInvisible() throws Exception {
        String ch = channel();
        try (WsProbe watcher = client(b, "watcher"); WsProbe gone = client(a, "gone")) {
            watch(watcher, ch);
            WsProbe first = client(a, "carol");
            enter(first, ch, "{\"mood\":\"ok\"}");
            enter(gone, ch, "null");
            event(watcher, "enter", "carol");
            event(watcher, "enter", "gone");

            first.abort();                       // carol's network drops...
            try (WsProbe again = client(b, "carol")) {  // ...and she comes back on the other pod
                enter(again, ch, "{\"mood\":\"ok\"}");
                gone.abort();                    // control: this one does not come back
                JsonNode leave = watcher.awaitFrame(f -> "presence_event".equals(f.path("type").asText()), WAIT);
                assertEquals("leave", leave.path("action").asText(), leave::toString);
                assertEquals("gone", leave.path("member").path("clientId").asText(), leave::toString);
                assertNoPresenceEvents(watcher);
                // Each pod runs its own grace timers: the other one drops "gone" at about the same time.
                Conditions.await("carol alone on the other pod too", WAIT, () -> {
                    try {
                        return List.of("carol").equals(ids(get(a, ch, "presence", "reader").path("members")));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
            }
        }
    }

    @Test
    void aPodKilledWithoutWarningLosesItsMembersWithinTheLease() throws Exception {
        String ch = channel();
        int port = freePort();
        Path dir = Files.createTempDirectory("chorus-presence");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.chorus.gateway.Main", "serve")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile());
        pb.environment().putAll(env());
        pb.environment().put("CHORUS_HTTP_PORT", String.valueOf(port));
        Process doomed = pb.start();
        try (WsProbe watcher = client(a, "watcher")) {
            Conditions.await("the second gateway process is ready", Duration.ofSeconds(60), () -> {
                if (!doomed.isAlive()) {
                    throw new AssertionError("gateway process exited; see " + dir.resolve("gateway.log"));
                }
                return status(port) == 200;
            });
            watch(watcher, ch);
            WsProbe dave = client(port, "dave");
            enter(dave, ch, "{\"n\":1}");
            dave.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\"}");
            dave.expect("subscribed");
            event(watcher, "enter", "dave");
            watcher.awaitFrame(f -> "occupancy".equals(f.path("type").asText()) && f.path("subscribers").asInt() == 2,
                    WAIT);

            doomed.destroyForcibly();            // SIGKILL: no farewell record, no drain
            assertTrue(doomed.waitFor(20, TimeUnit.SECONDS));
            long killed = System.nanoTime();
            JsonNode leave = watcher.awaitFrame(f -> "presence_event".equals(f.path("type").asText()),
                    Duration.ofSeconds(30));
            long tookMs = (System.nanoTime() - killed) / 1_000_000;
            assertEquals("leave", leave.path("action").asText(), leave::toString);
            assertEquals("dave", leave.path("member").path("clientId").asText());
            // Within one lease of the pod's last renewal (plus the sweep and poll granularity).
            assertTrue(tookMs <= Duration.parse("PT" + LEASE).toMillis() + 1000, "left after " + tookMs + " ms");
            watcher.awaitFrame(f -> "occupancy".equals(f.path("type").asText()) && f.path("subscribers").asInt() == 1
                    && f.path("members").asInt() == 0, WAIT);
            dave.abort();
        } finally {
            doomed.destroyForcibly();
        }
    }

    @Test
    void aboveTheMemberCapAChannelOffersCountsOnly() throws Exception {
        String ch = channel();
        Map<String, String> e = env();
        e.put("CHORUS_PRESENCE_MAX_MEMBERS", "2");
        try (TestGateway small = TestGateway.start(c -> ConfigLoader.load(false, null, e));
             WsProbe watcher = client(small, "watcher"); WsProbe x = client(small, "x"); WsProbe y = client(small, "y");
             WsProbe z = client(small, "z")) {
            watch(watcher, ch);
            enter(x, ch, "1");
            enter(y, ch, "2");
            event(watcher, "enter", "y");
            enter(z, ch, "3");
            JsonNode sync = watcher.awaitFrame(f -> "presence_sync".equals(f.path("type").asText()), WAIT);
            assertFalse(sync.path("complete").asBoolean(), sync::toString);
            assertEquals(3, sync.path("count").asInt());
            assertEquals(0, sync.path("members").size());
            JsonNode rest = get(small, ch, "presence", "reader");
            assertFalse(rest.path("complete").asBoolean());
            assertEquals(3, rest.path("count").asInt());
            z.send("{\"type\":\"leave\",\"ref\":\"l\",\"channel\":\"" + ch + "\"}");
            z.expect("left");
            JsonNode back = watcher.awaitFrame(f -> "presence_sync".equals(f.path("type").asText()), WAIT);
            assertTrue(back.path("complete").asBoolean(), back::toString);
            assertEquals(List.of("x", "y"), ids(back.path("members")));
        }
    }

    @Test
    void badPresenceRequestsAndRecordsAreRefused() throws Exception {
        String ch = channel();
        String noPresence = TestTokens.hs256(TestTokens.claims("eve", 600, Map.of("*", new String[] {"subscribe"})));
        try (WsProbe eve = WsProbe.connect(URI.create(a.wsUri() + "?token=" + noPresence));
             WsProbe ok = client(a, "frank"); WsProbe watcher = client(a, "watcher")) {
            eve.send("{\"type\":\"enter\",\"ref\":\"1\",\"channel\":\"" + ch + "\"}");
            assertEquals("forbidden", eve.expect("error").path("error").asText());
            eve.send("{\"type\":\"subscribe\",\"ref\":\"2\",\"channel\":\"" + ch + "\",\"presence\":true}");
            assertEquals("forbidden", eve.expect("error").path("error").asText());
            eve.send("{\"type\":\"occupancy\",\"ref\":\"3\",\"channel\":\"" + ch + "\"}");
            assertEquals("occupancy", eve.expect("occupancy").path("type").asText());
            HttpResponse<String> denied = HTTP.send(HttpRequest.newBuilder(a.http("/v1/channels/" + ch + "/presence"))
                    .header("authorization", "Bearer " + noPresence).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, denied.statusCode());

            ok.send("{\"type\":\"leave\",\"ref\":\"4\",\"channel\":\"" + ch + "\"}");
            assertEquals("not_present", ok.expect("error").path("error").asText());
            ok.send("{\"type\":\"enter\",\"ref\":\"5\",\"channel\":\"" + ch + "\",\"data\":\"" + "x".repeat(2000) + "\"}");
            assertEquals("message_too_large", ok.expect("error").path("error").asText());
            ok.send("{\"type\":\"subscribe\",\"ref\":\"6\",\"channel\":\"" + ch + "\",\"presence\":\"yes\"}");
            assertEquals("invalid_field", ok.expect("error").path("error").asText());
            ok.send("{\"type\":\"enter\",\"ref\":\"7\",\"channel\":\"no spaces\"}");
            assertEquals("invalid_channel", ok.expect("error").path("error").asText());
            HttpResponse<String> badPath = HTTP.send(HttpRequest.newBuilder(a.http("/v1/channels/%20/occupancy"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, badPath.statusCode());

            watch(watcher, ch);
            double before = invalidRecords(a);
            Properties p = new Properties();
            p.put("bootstrap.servers", TestKafka.bootstrapServers());
            try (KafkaProducer<byte[], byte[]> evil = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (String junk : List.of("not json", "{\"v\":2}", "{\"v\":1,\"pod\":\"x\",\"channel\":\"" + ch
                        + "\",\"leaseMs\":-5,\"subscribers\":1,\"count\":1}", "{\"v\":1,\"pod\":\"x\",\"channel\":\""
                        + ch + "\",\"leaseMs\":1000,\"subscribers\":1,\"count\":1,\"members\":[{\"clientId\":5}]}")) {
                    evil.send(new ProducerRecord<>("chorus.presence", ch.getBytes(), junk.getBytes())).get();
                }
                evil.send(new ProducerRecord<>("chorus.presence", ch.getBytes(), null)).get();
            }
            Conditions.await("five bad records counted", WAIT, () -> invalidRecords(a) >= before + 5);
            enter(ok, ch, "{\"still\":\"works\"}");
            event(watcher, "enter", "frank");
            assertFalse(ok.isClosed());
        }
    }

    /** After a ping round trip, no presence event was queued (occupancy frames may be). */
    private static void assertNoPresenceEvents(WsProbe w) throws Exception {
        w.send("{\"type\":\"ping\",\"ref\":\"quiet\"}");
        while (true) {
            JsonNode f = w.next(WAIT);
            assertTrue(f != null, "no pong");
            assertFalse("presence_event".equals(f.path("type").asText()), () -> "unexpected " + f);
            if ("pong".equals(f.path("type").asText())) {
                return;
            }
        }
    }

    private static double invalidRecords(TestGateway g) {
        var c = g.gateway().metrics().registry().find("chorus_presence_records").tag("result", "invalid")
                .counter();
        return c == null ? 0 : c.count();
    }

    private static int status(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
