package io.chorus.ingest.api;

import static io.chorus.ingest.api.ApiClient.error;
import static io.chorus.ingest.api.ApiClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.kafka.embedded.TestKafka;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exports read the audit topic as ingest writes it (key = event code, JSON values, in transactions):
 * the test produces such records itself, committed and aborted, for two events.
 */
class ExportApiTest {

    private static ApiConfig config;
    private static IngestApi server;
    private static ApiClient client;
    private static String code;
    private static String hostToken;
    private static String otherHostToken;

    @BeforeAll
    static void start() throws Exception {
        config = ApiFixture.config();
        server = IngestApi.start(config, ApiFixture.metrics());
        client = new ApiClient(server.port());
        JsonNode event = JoinApiTest.create(client, "Export");
        code = event.get("code").asText();
        hostToken = event.get("hostToken").asText();
        JsonNode other = JoinApiTest.create(client, "Other");
        otherHostToken = other.get("hostToken").asText();
        String otherCode = other.get("code").asText();

        try (KafkaProducer<String, byte[]> tx = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "export-test-" + System.nanoTime()),
                new StringSerializer(), new ByteArraySerializer())) {
            tx.initTransactions();
            tx.beginTransaction();
            audit(tx, code, "poll1", 1, "p-1", "c1", response("choices", "a"));
            audit(tx, otherCode, "poll1", 1, "p-9", "c9", response("choices", "b"));
            audit(tx, code, "words", 1, "p-2", "c2", response("text", "she said \"hi\", then\nleft"));
            tx.send(new ProducerRecord<>(config.topics().audit(), code, "not json".getBytes(StandardCharsets.UTF_8)));
            tx.commitTransaction();
            tx.beginTransaction();
            audit(tx, code, "poll1", 1, "p-aborted", "c3", response("choices", "z"));
            tx.flush();
            tx.abortTransaction();
            tx.beginTransaction();
            audit(tx, code, "poll1", 2, "p-1", "c4", response("choices", "b"));
            tx.commitTransaction();
        }
    }

    private static ObjectNode response(String field, String value) {
        ObjectNode r = ApiClient.JSON.createObjectNode();
        if (field.equals("choices")) {
            r.putArray("choices").add(value);
        } else {
            r.put(field, value);
        }
        return r;
    }

    private static void audit(KafkaProducer<String, byte[]> p, String event, String activity, int round,
                              String participant, String id, ObjectNode response) {
        ObjectNode v = ApiClient.JSON.createObjectNode().put("event", event).put("activity", activity).put("round", round)
                .put("participant", participant).put("id", id).put("at", 1_700_000_000_000L + round);
        v.set("response", response);
        p.send(new ProducerRecord<>(config.topics().audit(), event, v.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> export(String query, String token) {
        return client.get("/engage/events/" + code + "/export" + query, token);
    }

    @Test
    void csvHasAHeaderAndOneQuotedRowPerCommittedResponseOfThisEventInOrder() {
        HttpResponse<String> r = export("?format=csv", hostToken);
        assertEquals(200, r.statusCode(), r::body);
        // Java's default client asked for h2c; the API answers HTTP/1.1 (gateway/README.md, "HTTP/2").
        assertEquals(java.net.http.HttpClient.Version.HTTP_1_1, r.version());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/csv"));
        assertTrue(r.headers().firstValue("content-disposition").orElse("").contains("engage-" + code + ".csv"));
        String expected = "event,activity,round,participant,id,at,response\r\n"
                + code + ",poll1,1,p-1,c1,1700000000001,\"{\"\"choices\"\":[\"\"a\"\"]}\"\r\n"
                + code + ",words,1,p-2,c2,1700000000001,\"{\"\"text\"\":\"\"she said \\\"\"hi\\\"\", then\\nleft\"\"}\"\r\n"
                + code + ",poll1,2,p-1,c4,1700000000002,\"{\"\"choices\"\":[\"\"b\"\"]}\"\r\n";
        assertEquals(expected, r.body());
    }

    @Test
    void jsonHoldsTheRecordsAndCanBeFilteredByActivity() {
        JsonNode all = json(export("?format=json", hostToken));
        assertEquals(code, all.get("event").asText());
        assertTrue(all.get("activity").isNull());
        assertFalse(all.get("truncated").asBoolean());
        List<String> ids = all.get("responses").findValuesAsText("id");
        assertEquals(List.of("c1", "c2", "c4"), ids, "committed records of this event only, in offset order");
        assertEquals("she said \"hi\", then\nleft", all.get("responses").get(1).get("response").get("text").asText());

        JsonNode poll = json(export("?format=json&activity=poll1", hostToken));
        assertEquals("poll1", poll.get("activity").asText());
        assertEquals(List.of("c1", "c4"), poll.get("responses").findValuesAsText("id"));
        JsonNode none = json(export("?format=json&activity=nothing", hostToken));
        assertEquals(0, none.get("responses").size());
    }

    @Test
    void exportNeedsAValidHostTokenOfThatEvent() {
        assertEquals("token_invalid", error(export("?format=csv", null), 401));
        assertEquals("token_invalid", error(export("?format=csv", "garbage"), 401));
        Tokens forger = new Tokens("another-secret-that-is-long-enough-0123456789");
        assertEquals("token_invalid", error(export("?format=csv",
                forger.host(code, "h-1", Duration.ofHours(1), Instant.now()).token()), 401));
        Tokens tokens = new Tokens(ApiFixture.SECRET);
        assertEquals("token_invalid", error(export("?format=csv",
                tokens.host(code, "h-1", Duration.ofHours(1), Instant.now().minus(Duration.ofHours(2))).token()), 401),
                "an expired host token");
        String participant = json(client.post("/engage/join", "{\"code\":\"" + code + "\",\"name\":\"P\"}", null))
                .get("token").asText();
        assertEquals("forbidden", error(export("?format=csv", participant), 403));
        assertEquals("forbidden", error(export("?format=csv", otherHostToken), 403));
        HttpResponse<String> byQuery = client.get("/engage/events/" + code + "/export?format=json&token=" + hostToken,
                null);
        assertEquals(200, byQuery.statusCode(), "the token as a query parameter, for download links");
    }

    @Test
    void badParametersAre400AndAnUnknownEventIs404() {
        assertEquals("invalid_request", error(export("?format=xml", hostToken), 400));
        assertEquals("invalid_request", error(export("?format=csv&activity=a%20b", hostToken), 400));
        assertEquals("invalid_request", error(client.get("/engage/events/abc/export", hostToken), 400));
        String unknown = "ZZZZZ2".equals(code) ? "ZZZZZ3" : "ZZZZZ2";
        String token = new Tokens(ApiFixture.SECRET).host(unknown, "h-1", Duration.ofHours(1), Instant.now()).token();
        assertEquals("unknown_event", error(client.get("/engage/events/" + unknown + "/export", token), 404));
    }

    @Test
    void anExportStopsAtMaxRowsAndSaysSo() {
        try (IngestApi small = IngestApi.start(config.withLimits(config.maxEvents(), 2, 1), ApiFixture.metrics())) {
            ApiClient c = new ApiClient(small.port());
            JsonNode j = json(c.get("/engage/events/" + code + "/export?format=json", hostToken));
            assertEquals(List.of("c1", "c2"), j.get("responses").findValuesAsText("id"));
            assertTrue(j.get("truncated").asBoolean());
            HttpResponse<String> csv = c.get("/engage/events/" + code + "/export?format=csv", hostToken);
            assertEquals(3, csv.body().split("\r\n").length, "the header and 2 rows");
            assertEquals("2", csv.headers().firstValue("chorus-export-max-rows").orElse(""));
            JsonNode fits = json(c.get("/engage/events/" + code + "/export?format=json&activity=poll1", hostToken));
            assertFalse(fits.get("truncated").asBoolean(), "exactly max rows is not truncated");
        }
    }
}
