package io.chorus.ingest.api;

import static io.chorus.ingest.api.ApiClient.error;
import static io.chorus.ingest.api.ApiClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.auth.TokenVerifier;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.kafka.embedded.TestKafka;
import io.chorus.schema.ChannelName;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Creating and joining events over HTTP, on a real broker. */
class JoinApiTest {

    private static ApiConfig config;
    private static PrometheusMeterRegistry metrics;
    private static IngestApi server;
    private static ApiClient client;

    @BeforeAll
    static void start() {
        config = ApiFixture.config();
        metrics = ApiFixture.metrics();
        server = IngestApi.start(config, metrics);
        client = new ApiClient(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode create(ApiClient c, String title) {
        HttpResponse<String> r = c.post("/engage/events", "{\"title\":\"" + title + "\"}", ApiFixture.ADMIN_KEY);
        assertEquals(201, r.statusCode(), r::body);
        return json(r);
    }

    private static JsonNode join(String code, String name, String token) {
        String body = "{\"code\":\"" + code + "\",\"name\":\"" + name + "\""
                + (token == null ? "" : ",\"token\":\"" + token + "\"") + "}";
        HttpResponse<String> r = client.post("/engage/join", body, null);
        assertEquals(200, r.statusCode(), r::body);
        return json(r);
    }

    /** Every record of a topic, read to its end. */
    private static List<ConsumerRecord<String, byte[]>> records(String topic) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
                assertTrue(System.nanoTime() < deadline, "read " + topic + " to its end in time");
            }
            return out;
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void createAnswersACodeAHostTokenAndAJoinLinkAndRecordsTheEventForIngestAndTheRegistry() throws Exception {
        JsonNode created = create(client, "Town hall");
        String code = created.get("code").asText();
        assertTrue(code.matches("[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}"), code);
        assertEquals("http://demo.test/#/join/" + code, created.get("joinUrl").asText());
        assertTrue(created.get("hostToken").asText().split("\\.").length == 3);

        ConsumerRecord<String, byte[]> command = records(config.topics().control()).stream()
                .filter(r -> r.key().equals("engage-ctl:" + code + ":host")).findFirst().orElseThrow();
        assertEquals("system", header(command, "chorus-client"));
        assertFalse(header(command, "chorus-id").isBlank());
        JsonNode value = ApiClient.JSON.readTree(command.value());
        assertEquals("event.create", value.get("type").asText());
        assertEquals("Town hall", value.get("title").asText());

        ConsumerRecord<String, byte[]> event = records(config.topics().events()).stream()
                .filter(r -> r.key().equals(code)).findFirst().orElseThrow();
        JsonNode e = ApiClient.JSON.readTree(event.value());
        assertEquals(code, e.get("code").asText());
        assertEquals("Town hall", e.get("title").asText());
        assertTrue(e.get("createdAt").asLong() > 0);
    }

    @Test
    void creatingNeedsTheAdminKeyOutsideDevMode() {
        assertEquals("token_invalid", error(client.post("/engage/events", "{\"title\":\"x\"}", null), 401));
        assertEquals("token_invalid", error(client.post("/engage/events", "{\"title\":\"x\"}",
                ApiFixture.ADMIN_KEY + "x"), 401));
        try (IngestApi dev = IngestApi.start(ApiConfig.dev(TestKafka.bootstrapServers(), ApiFixture.SECRET,
                "http://localhost:8080/").withPort("127.0.0.1", 0).withTopics(config.topics()), ApiFixture.metrics())) {
            HttpResponse<String> open = new ApiClient(dev.port()).post("/engage/events", "{\"title\":\"dev\"}", null);
            assertEquals(201, open.statusCode(), open::body);
        }
    }

    @Test
    void theGatewayAcceptsTheTokensWithTheCapabilitiesOfEachRole() {
        JsonNode created = create(client, "Roles");
        String code = created.get("code").asText();
        JsonNode joined = join(code, "Ada", null);
        String pid = joined.get("participant").asText();
        assertTrue(pid.matches("p-[0-9a-f]{16}"), pid);

        var auth = ConfigLoader.load(true, null, Map.of()).auth();
        try (TokenVerifier gateway = new TokenVerifier(auth, Clock.systemUTC(), r -> { })) {
            Principal p = gateway.verify(joined.get("token").asText());
            assertEquals(pid, p.clientId());
            assertTrue(Math.abs(p.expiresAtMs() - joined.get("expiresAt").asLong()) < 1000);
            assertTrue(allows(p, "engage-in:" + code, Operation.PUBLISH));
            for (String read : List.of("engage:" + code, "engage:" + code + ":a:poll1", "engage-chat:" + code,
                    "engage-chat:" + code + ":room:2", "engage-me:" + code + ":" + pid)) {
                assertTrue(allows(p, read, Operation.SUBSCRIBE), read);
            }
            for (String not : List.of("engage-me:" + code + ":p-0000000000000000", "engage-mod:" + code,
                    "engage:OTHER1", "engage-in:OTHER1")) {
                assertFalse(allows(p, not, Operation.SUBSCRIBE) || allows(p, not, Operation.PUBLISH), not);
            }
            assertFalse(allows(p, "engage-ctl:" + code + ":host", Operation.PUBLISH));
            assertFalse(allows(p, "engage:" + code, Operation.PUBLISH));
            assertPresenceInRoomsOnly(p, code);

            Principal host = gateway.verify(created.get("hostToken").asText());
            for (String role : List.of("host", "moderator", "presenter")) {
                assertTrue(allows(host, "engage-ctl:" + code + ":" + role, Operation.PUBLISH), role);
            }
            assertTrue(allows(host, "engage-mod:" + code, Operation.SUBSCRIBE));
            assertTrue(allows(host, "engage-me:" + code + ":" + pid, Operation.SUBSCRIBE));
            assertFalse(allows(host, "engage-ctl:OTHER1:host", Operation.PUBLISH));
            assertPresenceInRoomsOnly(host, code);
        }
    }

    /** Presence in the event's breakout rooms, never on the main chat (100,000 members) or another event. */
    private static void assertPresenceInRoomsOnly(Principal p, String code) {
        for (String room : List.of("engage-chat:" + code + ":room:1", "engage-chat:" + code + ":room:50")) {
            assertTrue(allows(p, room, Operation.PRESENCE), room);
        }
        for (String not : List.of("engage-chat:" + code, "engage:" + code, "engage-in:" + code,
                "engage-me:" + code + ":" + p.clientId(), "engage-chat:OTHER1:room:1")) {
            assertFalse(allows(p, not, Operation.PRESENCE), not);
        }
    }

    private static boolean allows(Principal p, String channel, Operation op) {
        return p.capabilities().allows(ChannelName.parse(channel), op);
    }

    @Test
    void aReturningParticipantKeepsTheirIdWithinTheRejoinWindowAndGetsANewOneOtherwise() {
        String code = create(client, "Rejoin").get("code").asText();
        String other = create(client, "Other").get("code").asText();
        JsonNode first = join(code, "Ada", null);
        String pid = first.get("participant").asText();
        JsonNode again = join(code.toLowerCase(java.util.Locale.ROOT), "Ada L.", first.get("token").asText());
        assertEquals(pid, again.get("participant").asText(), "same participant on rejoin");

        Tokens tokens = new Tokens(ApiFixture.SECRET);
        Instant now = Instant.now();
        // Expired 23 h ago: inside the 24 h window, the id is kept.
        String recent = tokens.participant(code, pid, "Ada", Duration.ofHours(4), now.minus(Duration.ofHours(27)))
                .token();
        assertEquals(pid, join(code, "Ada", recent).get("participant").asText());
        // Expired 25 h ago, another event's, a host's, or signed with another secret: a new participant.
        String old = tokens.participant(code, pid, "Ada", Duration.ofHours(4), now.minus(Duration.ofHours(29))).token();
        String elsewhere = tokens.participant(other, pid, "Ada", Duration.ofHours(4), now).token();
        String host = tokens.host(code, pid, Duration.ofHours(4), now).token();
        String forged = new Tokens("another-secret-that-is-long-enough-0123456789")
                .participant(code, pid, "Ada", Duration.ofHours(4), now).token();
        for (String t : List.of(old, elsewhere, host, forged, "not.a.token")) {
            String id = join(code, "Ada", t).get("participant").asText();
            assertNotEquals(pid, id, t);
            assertTrue(id.matches("p-[0-9a-f]{16}"), id);
        }
        assertTrue(metrics.scrape().contains("chorus_engage_api_joins_total{participant=\"same\"}"));
    }

    @Test
    void anUnknownCodeIs404AndBadInputIs400() {
        String code = create(client, "Inputs").get("code").asText();
        assertEquals("unknown_event", error(client.post("/engage/join", "{\"code\":\"ZZZZZZ\",\"name\":\"A\"}", null),
                404));
        String longName = "x".repeat(EngageApi.MAX_NAME + 1);
        for (String bad : List.of("", "not json", "[1,2]", "{\"code\":\"" + code + "\"}",
                "{\"code\":\"" + code + "\",\"name\":\"" + longName + "\"}",
                "{\"code\":\"" + code + "\",\"name\":\"   \"}",
                "{\"code\":\"" + code + "\",\"name\":\"a\\u0007b\"}",
                "{\"code\":\"" + code + "\",\"name\":42}",
                "{\"code\":\"ABC\",\"name\":\"A\"}",
                "{\"code\":\"ABCDE0\",\"name\":\"A\"}",
                "{\"code\":7,\"name\":\"A\"}",
                "{\"code\":\"" + code + "\",\"name\":\"A\",\"token\":42}",
                "{\"code\":\"" + code + "\",\"name\":\"" + "y".repeat(config.maxBodyBytes()) + "\"}")) {
            assertEquals("invalid_request", error(client.post("/engage/join", bad, null), 400), bad);
        }
        for (String bad : List.of("{}", "{\"title\":\"\"}", "{\"title\":[\"x\"]}",
                "{\"title\":\"" + "t".repeat(EngageApi.MAX_TITLE + 1) + "\"}")) {
            assertEquals("invalid_request", error(client.post("/engage/events", bad, ApiFixture.ADMIN_KEY), 400), bad);
        }
        assertEquals("not_found", error(client.get("/engage/nothing", null), 404));
    }

    @Test
    void anotherInstanceKnowsTheEventsFromTheTopicAndHoldsAtMostMaxEvents() {
        String older = create(client, "Older").get("code").asText();
        String newer = create(client, "Newer").get("code").asText();
        PrometheusMeterRegistry m = ApiFixture.metrics();
        try (IngestApi second = IngestApi.start(config.withLimits(1, config.maxExportRows(), config.maxExports()), m)) {
            ApiClient c = new ApiClient(second.port());
            HttpResponse<String> joined = c.post("/engage/join", "{\"code\":\"" + newer + "\",\"name\":\"B\"}", null);
            assertEquals(200, joined.statusCode(), joined::body);
            assertEquals("Newer", json(joined).path("event").path("title").asText());
            assertEquals("unknown_event", error(c.post("/engage/join", "{\"code\":\"" + older + "\",\"name\":\"B\"}",
                    null), 404), "the oldest event was forgotten at engage.maxEvents = 1");
            assertEquals(1.0, m.get("chorus_engage_api_known_events").gauge().value());
            assertTrue(m.get("chorus_engage_api_events_evicted_total").counter().count() >= 1);
        }
    }
}
