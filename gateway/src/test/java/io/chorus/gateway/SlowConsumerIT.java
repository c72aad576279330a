package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.HalfOpenClient;
import io.chorus.gateway.testing.StalledSseClient;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.WsProbe;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A subscriber that stops reading leaves the live path instead of growing the pod's memory; the
 * others keep receiving everything, and when it reads again it gets every message, in order.
 */
class SlowConsumerIT {

    @Test
    void aClientThatStopsReadingCatchesUpLaterWithEveryMessageWhileOthersStayLive() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":firehose";
        int count = 400;
        String pad = "x".repeat(30_000);
        try (TestGateway gateway = TestGateway.start(); WsProbe healthy = WsProbe.connect(gateway.wsUri());
             HalfOpenClient stalled = new HalfOpenClient(gateway.gateway().port(), "/v1/ws");
             KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            TestKafka.ensureTopic("chorus." + ns, 4);
            healthy.send("{\"type\":\"subscribe\",\"ref\":\"h\",\"channel\":\"" + ch + "\"}");
            healthy.expect("subscribed");
            stalled.sendText("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\"}");
            awaitSubscribed(stalled); // live from here: the records below reach it on the live path
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("chorus." + ns, ch.getBytes(StandardCharsets.UTF_8),
                        ("{\"n\":" + i + ",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            for (int i = 0; i < count; i++) {
                assertEquals(i, healthy.expect("message").get("data").get("n").asInt());
            }
            var registry = gateway.gateway().metrics().registry();
            Conditions.await("the stalled subscriber left the live path", Duration.ofSeconds(20), () ->
                    registry.counter("chorus_subscribers_behind", "transport", "ws").count() >= 1);
            healthy.assertNoMoreFrames();
            // It reads again: the rest comes from the catch-up path, in order, nothing lost or doubled.
            int next = 0;
            while (next < count) {
                JsonNode f = WsProbe.JSON.readTree(stalled.readText());
                if ("message".equals(f.path("type").asText())) {
                    assertEquals(next++, f.get("data").get("n").asInt());
                }
            }
            assertEquals(0.0, registry.counter("chorus_slow_consumer_closes").count(), "nobody was cut off");
        }
    }

    /** The same rule on SSE: a stream that stops reading is caught up at its own pace, not cut off. */
    @Test
    void anSseStreamThatStopsReadingIsCaughtUpLaterInOrderWhileOthersGoOn() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":firehose";
        int count = 400;
        String pad = "x".repeat(30_000);
        try (TestGateway gateway = TestGateway.start(); WsProbe healthy = WsProbe.connect(gateway.wsUri());
             StalledSseClient stalled = new StalledSseClient(gateway.gateway().port(), "/v1/sse?channel=" + ch);
             KafkaProducer<byte[], byte[]> producer = TestKafka.producer()) {
            TestKafka.ensureTopic("chorus." + ns, 4);
            healthy.send("{\"type\":\"subscribe\",\"ref\":\"h\",\"channel\":\"" + ch + "\"}");
            healthy.expect("subscribed");
            var registry = gateway.gateway().metrics().registry();
            stalled.awaitSubscribed();
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("chorus." + ns, ch.getBytes(StandardCharsets.UTF_8),
                        ("{\"n\":" + i + ",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            for (int i = 0; i < count; i++) {
                assertEquals(i, healthy.expect("message").get("data").get("n").asInt());
            }
            Conditions.await("the stalled stream left the live path", Duration.ofSeconds(20), () ->
                    registry.counter("chorus_subscribers_behind", "transport", "sse").count() >= 1);
            int next = 0;
            while (next < count) {
                JsonNode f = stalled.next();
                if ("message".equals(f.path("type").asText())) {
                    assertEquals(next++, f.get("data").get("n").asInt());
                }
            }
            assertEquals(0.0, registry.counter("chorus_slow_consumer_closes").count(), "nobody was cut off");
        }
    }

    @Test
    void aClientThatFellBehindPastRetentionIsToldToReconnectAndThenHearsContinuityWasLost() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":firehose";
        String topic = "chorus." + ns;
        String pad = "x".repeat(30_000);
        try (TestGateway gateway = TestGateway.start(TestGateway.cachePerChannel(5));
             HalfOpenClient stalled = new HalfOpenClient(gateway.gateway().port(), "/v1/ws");
             KafkaProducer<byte[], byte[]> producer = TestKafka.producer();
             org.apache.kafka.clients.admin.Admin admin = TestKafka.admin()) {
            TestKafka.ensureTopic(topic, 4);
            stalled.sendText("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\"}");
            var registry = gateway.gateway().metrics().registry();
            // The subscription counts before it is live; records produced before it is live would be
            // skipped (a live subscription starts at the end), so wait for its subscribed frame.
            awaitSubscribed(stalled);
            org.apache.kafka.clients.producer.RecordMetadata last = null;
            for (int i = 0; i < 400; i++) {
                last = producer.send(new ProducerRecord<>(topic, ch.getBytes(StandardCharsets.UTF_8),
                        ("{\"n\":" + i + ",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8))).get();
            }
            Conditions.await("behind", Duration.ofSeconds(20), () ->
                    registry.counter("chorus_subscribers_behind", "transport", "ws").count() >= 1);
            var tp = new org.apache.kafka.common.TopicPartition(topic, last.partition());
            admin.deleteRecords(java.util.Map.of(tp, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(
                    last.offset()))).all().get();
            String position = null;
            String text;
            while ((text = stalled.readText()) != null) {
                JsonNode f = WsProbe.JSON.readTree(text);
                if ("message".equals(f.path("type").asText())) {
                    position = f.get("position").asText();
                }
            }
            assertEquals(1.0, registry.counter("chorus_slow_consumer_closes").count(), "closed with slow_consumer");
            try (WsProbe again = WsProbe.connect(gateway.wsUri())) {
                JsonNode sub = ResumeIT.subscribed(again, ch, ",\"since\":\"" + position + "\"");
                assertEquals(false, sub.get("resumed").asBoolean());
                assertEquals("out_of_retention", sub.get("reason").asText());
                assertEquals(399, again.expect("message").get("data").get("n").asInt());
            }
        }
    }

    /** Reads the stalled client's frames up to its subscribed reply (connected and pings before it). */
    private static void awaitSubscribed(HalfOpenClient c) throws Exception {
        JsonNode f;
        while (!"subscribed".equals((f = WsProbe.JSON.readTree(c.readReply())).path("type").asText())) {
            assertEquals("connected", f.path("type").asText(), f::toString);
        }
    }
}
