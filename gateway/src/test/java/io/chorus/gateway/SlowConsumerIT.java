package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.HalfOpenClient;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.schema.CloseReason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** A subscriber that stops reading is cut off with slow_consumer; the others keep receiving everything. */
class SlowConsumerIT {

    @Test
    void aClientThatStopsReadingIsClosedAsSlowAndOthersGetEveryMessage() throws Exception {
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
            Conditions.await("two subscriptions", Duration.ofSeconds(10), () ->
                    gateway.gateway().services().metrics().registry().get("chorus_subscriptions").gauge().value() == 2);
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("chorus." + ns, ch.getBytes(StandardCharsets.UTF_8),
                        ("{\"n\":" + i + ",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            for (int i = 0; i < count; i++) {
                assertEquals(i, healthy.expect("message").get("data").get("n").asInt());
            }
            Conditions.await("slow consumer cut off", Duration.ofSeconds(20), () ->
                    gateway.gateway().services().metrics().registry().counter("chorus_slow_consumer_closes").count() == 1);
            // The stalled client finds the close code once it reads again (after what was buffered).
            assertEquals(CloseReason.SLOW_CONSUMER.code(), stalled.awaitCloseCode());
            healthy.assertNoMoreFrames();
            assertTrue(gateway.gateway().services().metrics().registry().get("chorus_connections").tag("transport", "ws").gauge().value() == 1);
        }
    }
}
