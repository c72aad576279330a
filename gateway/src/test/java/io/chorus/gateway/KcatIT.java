package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.Tools;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.schema.Position;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Backends on librdkafka keep their defaults: kcat (librdkafka, not the Java client) produces with its
 * default partitioner ({@code consistent_random}, CRC32 of the key) into a {@code crc32} namespace, and
 * subscribers, resumes and history find every record. In a {@code murmur2} namespace the same records
 * sit on the wrong partition for most channels: they are skipped and counted, as before.
 */
class KcatIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int PARTITIONS = 6;

    private static void assumeKcat() {
        Tools.assumeInstalled("kcat", "kcat", "the librdkafka partitioner tests need it");
    }

    @Test
    void kcatWithItsDefaultsInACrc32NamespaceIsDeliveredInOrderResumedAndServedAsHistory() throws Exception {
        assumeKcat();
        String ns = TestGateway.freshNamespace();
        String topic = "chorus." + ns;
        TestKafka.ensureTopic(topic, PARTITIONS);
        List<String> channels = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            channels.add(ns + ":room" + i);
        }
        // The test means something only if the two partitioners disagree for some of these channels.
        assertTrue(channels.stream().anyMatch(c -> crc32(c) != murmur2(c)));
        int perChannel = 12;
        try (TestGateway gateway = TestGateway.start(
                c -> TestGateway.config(Map.of("CHORUS_NAMESPACES_DEFAULTS_PARTITIONER", "crc32")));
             WsProbe live = WsProbe.connect(gateway.wsUri())) {
            for (String ch : channels) {
                live.send("{\"type\":\"subscribe\",\"ref\":\"" + ch + "\",\"channel\":\"" + ch + "\"}");
                live.expect("subscribed");
            }
            StringBuilder lines = new StringBuilder();
            for (int n = 0; n < perChannel; n++) {
                for (String ch : channels) {
                    lines.append(ch).append("|{\"n\":").append(n).append("}\n");
                }
            }
            kcat(topic, lines.toString(), "-H", "chorus-name=tick");

            Map<String, List<JsonNode>> got = receive(live, channels, perChannel);
            Set<Integer> partitionsUsed = new HashSet<>();
            for (String ch : channels) {
                List<JsonNode> ms = got.get(ch);
                for (int n = 0; n < perChannel; n++) {
                    assertEquals(n, ms.get(n).get("data").get("n").asInt(), ch + ": in order, no gap, no duplicate");
                    assertEquals("tick", ms.get(n).get("name").asText());
                    Position p = Position.decode(ms.get(n).get("position").asText());
                    assertEquals(crc32(ch), p.partition(), ch + " sits where librdkafka put it");
                    partitionsUsed.add(p.partition());
                }
            }
            assertTrue(partitionsUsed.size() > 1, "channels spread over partitions: " + partitionsUsed);

            // A client publish in the namespace lands on the same partition as the backend's records.
            String first = channels.get(0);
            live.send("{\"type\":\"publish\",\"ref\":\"p\",\"channel\":\"" + first + "\",\"data\":{\"n\":" + perChannel
                    + "}}");
            JsonNode[] ackAndMessage = ackAndMessage(live);
            assertEquals(crc32(first), Position.decode(ackAndMessage[0].get("position").asText()).partition());
            assertEquals(perChannel, ackAndMessage[1].get("data").get("n").asInt());
            live.assertNoMoreFrames();

            // Resume from the middle of a channel: the rest, once, in order, then live.
            String resumeFrom = got.get(first).get(4).get("position").asText();
            try (WsProbe again = WsProbe.connect(gateway.wsUri())) {
                again.send("{\"type\":\"subscribe\",\"ref\":\"r\",\"channel\":\"" + first + "\",\"since\":\""
                        + resumeFrom + "\"}");
                assertTrue(again.expect("subscribed").get("resumed").asBoolean());
                for (int n = 5; n <= perChannel; n++) {
                    assertEquals(n, again.expect("message").get("data").get("n").asInt());
                }
                again.assertNoMoreFrames();
            }

            // History of another channel, backward in pages: every record once, newest first.
            String other = channels.get(channels.size() - 1);
            List<Integer> newestFirst = new ArrayList<>();
            String next = "/v1/channels/" + other + "/messages?limit=5";
            while (next != null) {
                JsonNode page = get(gateway, next);
                page.get("messages").forEach(m -> newestFirst.add(m.get("data").get("n").asInt()));
                next = page.get("next").isNull() ? null : page.get("next").asText();
            }
            List<Integer> expected = new ArrayList<>();
            for (int n = perChannel - 1; n >= 0; n--) {
                expected.add(n);
            }
            assertEquals(expected, newestFirst);
        }
    }

    @Test
    void kcatWithItsDefaultsInAMurmur2NamespaceIsSkippedAndCountedAndMurmur2RandomArrives() throws Exception {
        assumeKcat();
        String ns = TestGateway.freshNamespace();
        String topic = "chorus." + ns;
        TestKafka.ensureTopic(topic, PARTITIONS);
        String ch = channelWherePartitionersDisagree(ns);
        // A channel that lives (murmur2) on ch's CRC32 partition, so the live reader reads that partition.
        String neighbour = channelOn(ns, crc32(ch));
        try (TestGateway gateway = TestGateway.start(); WsProbe p = WsProbe.connect(gateway.wsUri())) {
            p.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\"}");
            p.expect("subscribed");
            p.send("{\"type\":\"subscribe\",\"ref\":\"n\",\"channel\":\"" + neighbour + "\"}");
            p.expect("subscribed");
            double before = wrongPartition(gateway);
            kcat(topic, ch + "|{\"text\":\"lost\"}\n");
            Conditions.await("the record counted as on the wrong partition", Duration.ofSeconds(20),
                    () -> wrongPartition(gateway) > before);
            p.assertNoMoreFrames();

            kcat(topic, ch + "|{\"text\":\"hello from kcat\"}\n", "-X", "partitioner=murmur2_random",
                    "-H", "chorus-name=chat", "-H", "chorus-id=k-1");
            JsonNode m = p.expect("message");
            assertEquals("hello from kcat", m.get("data").get("text").asText());
            assertEquals("chat", m.get("name").asText());
            assertEquals("k-1", m.get("id").asText());
            assertEquals(murmur2(ch), Position.decode(m.get("position").asText()).partition());
            p.assertNoMoreFrames();
            assertEquals(before + 1, wrongPartition(gateway), "only the default-partitioned record was skipped");
        }
    }

    /** Messages of the channels until each has {@code perChannel}, by channel in arrival order. */
    private static Map<String, List<JsonNode>> receive(WsProbe p, List<String> channels, int perChannel)
            throws InterruptedException {
        Map<String, List<JsonNode>> got = new HashMap<>();
        channels.forEach(c -> got.put(c, new ArrayList<>()));
        for (int i = 0; i < channels.size() * perChannel; i++) {
            JsonNode m = p.expect("message");
            got.get(m.get("channel").asText()).add(m);
        }
        return got;
    }

    /** The ack of a publish and its message, which may come in either order. */
    private static JsonNode[] ackAndMessage(WsProbe p) throws InterruptedException {
        JsonNode[] out = new JsonNode[2];
        for (int i = 0; i < 2; i++) {
            JsonNode n = p.next(Duration.ofSeconds(20));
            assertTrue(n != null, "ack and message");
            if ("ack".equals(n.path("type").asText())) {
                out[0] = n;
            } else {
                assertEquals("message", n.path("type").asText(), n::toString);
                out[1] = n;
            }
        }
        assertTrue(out[0] != null && out[1] != null);
        return out;
    }

    /** Runs kcat as a producer with its defaults plus {@code extra}; lines are {@code key|value}. */
    private static void kcat(String topic, String lines, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kcat", "-P", "-b", TestKafka.bootstrapServers(), "-t", topic,
                "-K", "|"));
        cmd.addAll(List.of(extra));
        Process kcat = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = kcat.getOutputStream()) {
            in.write(lines.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(kcat.waitFor(30, TimeUnit.SECONDS), "kcat finished");
        assertEquals(0, kcat.exitValue(), () -> new String(readAll(kcat), StandardCharsets.UTF_8));
    }

    private static JsonNode get(TestGateway gateway, String pathAndQuery) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(gateway.http(pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        return WsProbe.JSON.readTree(r.body());
    }

    private static String channelWherePartitionersDisagree(String ns) {
        for (int i = 0; ; i++) {
            String c = ns + ":room" + i;
            if (crc32(c) != murmur2(c)) {
                return c;
            }
        }
    }

    private static String channelOn(String ns, int partition) {
        for (int i = 0; ; i++) {
            String c = ns + ":near" + i;
            if (murmur2(c) == partition) {
                return c;
            }
        }
    }

    private static int crc32(String channel) {
        // Independent of the gateway's code: java.util.zip.CRC32, unsigned, modulo the partition count.
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(channel.getBytes(StandardCharsets.US_ASCII));
        return (int) (crc.getValue() % PARTITIONS);
    }

    private static int murmur2(String channel) {
        return org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(
                channel.getBytes(StandardCharsets.US_ASCII), PARTITIONS);
    }

    private static double wrongPartition(TestGateway gateway) {
        var c = gateway.gateway().metrics().registry().find("chorus_records_skipped")
                .tag("reason", "wrong_partition").counter();
        return c == null ? 0 : c.count();
    }

    private static byte[] readAll(Process p) {
        try {
            return p.getInputStream().readAllBytes();
        } catch (java.io.IOException e) {
            return new byte[0];
        }
    }
}
