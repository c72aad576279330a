package io.chorus.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.ingest.Main;
import io.chorus.ingest.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Ingest as its Main runs it (Streams, the join API, /health and /metrics on port 0) on the test
 * broker, and engagement traffic through a gateway that makes ingest's meters exist: an event created
 * over the API, a poll created and opened by the host, a vote, a second vote refused, a duplicate
 * command, and an unreadable record.
 */
final class IngestTraffic {

    static final String SECRET = "ops-test-hmac-secret-0123456789abcdef";
    static final String ADMIN_KEY = "ops-test-admin-key-0123";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private IngestTraffic() {
    }

    /** The env of an ingest on the test broker with its own application id and state dir. */
    static Map<String, String> env(Path stateDir) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrapServers());
        env.put("CHORUS_INGEST_KAFKA_APPLICATION_ID", "ops-ingest-" + Long.toString(System.nanoTime(), 36));
        env.put("CHORUS_INGEST_KAFKA_STATE_DIR", stateDir.toString());
        env.put("CHORUS_INGEST_KAFKA_CREATE_TOPICS", "true");
        env.put("CHORUS_INGEST_ENGAGE_TOPICS_CREATE", "true");
        env.put("CHORUS_INGEST_ENGAGE_HTTP_HOST", "127.0.0.1");
        env.put("CHORUS_INGEST_ENGAGE_HTTP_PORT", "0");
        env.put("CHORUS_INGEST_ENGAGE_HMAC_SECRET", SECRET);
        env.put("CHORUS_INGEST_ENGAGE_ADMIN_KEY", ADMIN_KEY);
        env.put("CHORUS_INGEST_ENGAGE_DEMO_URL", "http://127.0.0.1/");
        env.put("CHORUS_INGEST_ENGAGE_PUBLISH_INTERVAL", "50ms");
        return env;
    }

    static Main.Running start(Path stateDir) {
        Map<String, String> env = env(stateDir);
        return Main.start(ConfigLoader.load(null, env), ConfigLoader.loadApi(null, env));
    }

    /** Drives every ingest meter the engagement dashboard and the ingest alerts read. */
    static void run(int gatewayPort, int ingestPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String api = "http://127.0.0.1:" + ingestPort;
        JsonNode event = post(http, api + "/engage/events", "{\"title\":\"Ops\"}", ADMIN_KEY, 201);
        String code = event.path("code").asText();
        JsonNode joined = post(http, api + "/engage/join", "{\"code\":\"" + code + "\",\"name\":\"Pat\"}", null, 200);
        String pid = joined.path("participant").asText();
        String ws = "ws://127.0.0.1:" + gatewayPort + "/v1/ws?token=";
        try (WsProbe host = WsProbe.connect(URI.create(ws + event.path("hostToken").asText()));
             WsProbe pat = WsProbe.connect(URI.create(ws + joined.path("token").asText()));
             KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            String ctl = "engage-ctl:" + code + ":host";
            publish(host, ctl, "c1", "{\"type\":\"activity.create\",\"activity\":\"p1\",\"kind\":\"choice\","
                    + "\"title\":\"Tea or coffee?\",\"options\":[{\"id\":\"t\",\"label\":\"Tea\"},"
                    + "{\"id\":\"c\",\"label\":\"Coffee\"}]}");
            publish(host, ctl, "c2", "{\"type\":\"activity.open\",\"activity\":\"p1\"}");

            String me = "engage-me:" + code + ":" + pid;
            pat.send("{\"type\":\"subscribe\",\"ref\":\"me\",\"channel\":\"" + me + "\"}");
            pat.awaitFrame(f -> f.path("ref").asText().equals("me"), WAIT);
            String in = "engage-in:" + code;
            publish(pat, in, "j1", "{\"type\":\"participant.join\",\"name\":\"Pat\"}");
            awaitReply(pat, "j1");
            // The host's commands went first on their channel; the vote may still overtake the open
            // (another topic), so vote until one is accepted.
            String voted = null;
            for (int i = 0; voted == null && i < 20; i++) {
                String id = "v" + i;
                publish(pat, in, id, "{\"type\":\"poll.vote\",\"activity\":\"p1\",\"round\":1,\"choices\":[\"t\"]}");
                if (awaitReply(pat, id).path("ok").asBoolean()) {
                    voted = id;
                }
            }
            assertEquals("v", voted == null ? null : voted.substring(0, 1), "a vote was accepted");
            publish(pat, in, "again", "{\"type\":\"poll.vote\",\"activity\":\"p1\",\"round\":1,\"choices\":[\"c\"]}");
            JsonNode refused = awaitReply(pat, "again");
            assertEquals("already_voted", refused.at("/error/code").asText(), refused.toString());

            // Straight to Kafka: the accepted vote's record again (a duplicate), and an unreadable one.
            ProducerRecord<byte[], byte[]> dup = new ProducerRecord<>("chorus.engage-in", bytes(in),
                    bytes("{\"type\":\"poll.vote\",\"activity\":\"p1\",\"round\":1,\"choices\":[\"t\"]}"));
            dup.headers().add("chorus-client", bytes(pid)).add("chorus-id", bytes(voted));
            producer.send(dup).get();
            ProducerRecord<byte[], byte[]> junk = new ProducerRecord<>("chorus.engage-in", bytes(in), bytes("not json"));
            junk.headers().add("chorus-client", bytes(pid)).add("chorus-id", bytes("junk"));
            producer.send(junk).get();
        }
    }

    private static void publish(WsProbe ws, String channel, String id, String data) throws Exception {
        ws.send("{\"type\":\"publish\",\"ref\":\"" + id + "\",\"channel\":\"" + channel + "\",\"id\":\"" + id
                + "\",\"data\":" + data + "}");
        JsonNode ack = ws.awaitFrame(f -> f.path("ref").asText().equals(id), WAIT);
        assertEquals("ack", ack.path("type").asText(), ack.toString());
    }

    /** ingest's reply to command {@code id} on the participant's engage-me channel. */
    private static JsonNode awaitReply(WsProbe ws, String id) throws InterruptedException {
        JsonNode m = ws.awaitFrame(f -> f.path("data").path("type").asText().equals("reply")
                && f.path("data").path("id").asText().equals(id), WAIT);
        return m.path("data");
    }

    private static JsonNode post(HttpClient http, String url, String body, String bearer, int status) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            r.header("authorization", "Bearer " + bearer);
        }
        HttpResponse<String> res = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, res.statusCode(), url + ": " + res.body());
        return JSON.readTree(res.body());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
