package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.schema.Position;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What backends produce with a plain KafkaProducer reaches subscribers, in offset order, untouched. */
class BackendRecordsIT {

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void concurrentProducersOnChannelsSharingPartitionsDeliverEachChannelInOffsetOrder() throws Exception {
        String ns = TestGateway.freshNamespace();
        List<String> channels = List.of(ns + ":a", ns + ":b", ns + ":c", ns + ":d", ns + ":e", ns + ":f");
        int perChannel = 150;
        Map<String, WsProbe> probes = new HashMap<>();
        for (String ch : channels) {
            WsProbe p = WsProbe.connect(gateway.wsUri());
            p.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\"}");
            p.expect("subscribed");
            probes.put(ch, p);
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> producers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            List<String> mine = channels.subList(t * 2, t * 2 + 2);
            producers.add(pool.submit(() -> {
                try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
                    for (int i = 0; i < perChannel; i++) {
                        for (String ch : mine) {
                            producer.send(new ProducerRecord<>("chorus." + ns, utf8(ch), utf8("{\"n\":" + i + "}")));
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : producers) {
            f.get();
        }
        pool.shutdown();
        // 6 channels over 4 partitions: at least two channels share a partition.
        for (String ch : channels) {
            WsProbe p = probes.get(ch);
            long lastOffset = -1;
            for (int i = 0; i < perChannel; i++) {
                JsonNode m = p.expect("message");
                assertEquals(ch, m.get("channel").asText());
                assertEquals(i, m.get("data").get("n").asInt(), "per-channel order");
                long offset = Position.decode(m.get("position").asText()).offset();
                assertTrue(offset > lastOffset, "offsets increase");
                lastOffset = offset;
            }
            p.assertNoMoreFrames();
            p.close();
        }
    }

    @Test
    void headersNameAndIdAreHonouredAndNonJsonValuesArriveBase64() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room";
        try (WsProbe p = WsProbe.connect(gateway.wsUri()); KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            p.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\"}");
            p.expect("subscribed");
            ProducerRecord<byte[], byte[]> named = new ProducerRecord<>("chorus." + ns, utf8(ch), utf8("{\"v\":1}"));
            named.headers().add("chorus-name", utf8("vote")).add("chorus-id", utf8("evt-1"));
            producer.send(named).get();
            producer.send(new ProducerRecord<>("chorus." + ns, utf8(ch), utf8("plain text, not json"))).get();
            producer.send(new ProducerRecord<>("chorus." + ns, utf8(ch), null)).get();

            JsonNode first = p.expect("message");
            assertEquals("vote", first.get("name").asText());
            assertEquals("evt-1", first.get("id").asText());
            assertEquals(1, first.get("data").get("v").asInt());
            assertTrue(first.get("timestamp").asLong() > 0);

            JsonNode second = p.expect("message");
            assertEquals("base64", second.get("encoding").asText());
            assertEquals("plain text, not json",
                    new String(Base64.getDecoder().decode(second.get("data").asText()), StandardCharsets.UTF_8));
            assertEquals(second.get("position").asText(), second.get("id").asText(), "no chorus-id: id is the position");
            assertTrue(!second.has("name"));

            JsonNode third = p.expect("message");
            assertTrue(third.get("data").isNull());
            p.assertNoMoreFrames();
        }
    }

    @Test
    void recordsWithoutKeyOrWithBadKeyAreSkippedAndCountedWhileGoodOnesFlow() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room";
        String topic = "chorus." + ns;
        try (WsProbe p = WsProbe.connect(gateway.wsUri()); KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            p.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\"}");
            JsonNode sub = p.expect("subscribed");
            int partition = Position.decode(sub.get("position").asText()).partition();
            double before = skippedTotal();
            // Same partition as the channel, so the live reader sees them all.
            producer.send(new ProducerRecord<>(topic, partition, null, utf8("{\"x\":1}"))).get();
            producer.send(new ProducerRecord<>(topic, partition, utf8("bad key with spaces"), utf8("{}"))).get();
            producer.send(new ProducerRecord<>(topic, partition, new byte[] {(byte) 0xff, 0x01}, utf8("{}"))).get();
            producer.send(new ProducerRecord<>(topic, partition, utf8("otherns:room"), utf8("{}"))).get();
            // The channel's own name on a partition the default partitioner would not pick for it.
            producer.send(new ProducerRecord<>(topic, partition, utf8(otherChannelOn(ns, partition, false)),
                    utf8("{}"))).get();
            producer.send(new ProducerRecord<>(topic, partition, utf8(ch), utf8("{\"ok\":true}"))).get();
            JsonNode m = p.expect("message");
            assertTrue(m.get("data").get("ok").asBoolean());
            Conditions.await("skip counters", Duration.ofSeconds(10), () -> skippedTotal() - before >= 5);
            assertTrue(skipped("wrong_partition") >= 1);
            p.assertNoMoreFrames();
        }
    }

    /** A channel of the namespace that Kafka's partitioner puts on (or, with same=false, off) the partition. */
    private static String otherChannelOn(String ns, int partition, boolean same) {
        for (int i = 0; ; i++) {
            String name = ns + ":c" + i;
            int p = org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(utf8(name), 4);
            if ((p == partition) == same) {
                return name;
            }
        }
    }

    private static double skippedTotal() {
        return skipped("no_key") + skipped("bad_key") + skipped("namespace_mismatch") + skipped("wrong_partition");
    }

    private static double skipped(String reason) {
        var c = gateway.gateway().metrics().registry().find("chorus_records_skipped")
                .tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }
}
