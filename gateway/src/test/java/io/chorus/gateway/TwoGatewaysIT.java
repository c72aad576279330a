package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.client.ChorusClient;
import io.chorus.client.ConnectionState;
import io.chorus.client.Message;
import io.chorus.client.PublishResult;
import io.chorus.client.SubscribeOptions;
import io.chorus.client.Subscription;
import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.SwitchingProxy;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.schema.Position;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two gateway pods on one Kafka: resume and publish retries work on whichever pod the client reaches. */
class TwoGatewaysIT {

    private static TestGateway podA;
    private static TestGateway podB;

    @BeforeAll
    static void start() {
        podA = TestGateway.start();
        podB = TestGateway.start();
    }

    @AfterAll
    static void stop() {
        podA.close();
        podB.close();
    }

    @Test
    void theJavaClientFailsOverToTheOtherPodResumingAndRetryingItsPublishWithoutLossOrDuplicate() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room";
        List<Message> received = new CopyOnWriteArrayList<>();
        try (Backend backend = new Backend(ns, ch); SwitchingProxy lb = new SwitchingProxy(podA.gateway().port());
             ChorusClient client = ChorusClient.builder(URI.create("ws://127.0.0.1:" + lb.port() + "/v1/ws"))
                     .backoff(Duration.ofMillis(50), Duration.ofMillis(200)).build()) {
            Subscription sub = client.subscribe(ch, SubscribeOptions.live(), received::add);
            client.connect().get(20, TimeUnit.SECONDS);
            sub.ready().get(20, TimeUnit.SECONDS);
            backend.sendRange(0, 5);
            Conditions.await("first five", Duration.ofSeconds(20), () -> received.size() == 5);

            // The ack of this publish is lost on the way back; pod A did write the record.
            lb.swallowReplies(true);
            CompletableFuture<PublishResult> vote = client.publish(ch, "vote", Map.of("choice", "b"), "vote-1");
            Conditions.await("vote written", Duration.ofSeconds(20), () -> countRecordsWithId(ns, ch, "vote-1") == 1);
            backend.sendRange(5, 10);

            lb.switchTo(podB.gateway().port());
            lb.dropAll();
            lb.swallowReplies(false);
            PublishResult ack = vote.get(30, TimeUnit.SECONDS);
            assertTrue(ack.duplicate(), "pod B found the record pod A wrote");
            Conditions.await("all messages", Duration.ofSeconds(30), () -> received.size() == 11);
            assertEquals(ConnectionState.CONNECTED, client.state());

            assertEquals(1, countRecordsWithId(ns, ch, "vote-1"), "exactly one record for the retried publish");
            List<Integer> numbers = new ArrayList<>();
            long lastOffset = -1;
            boolean sawVote = false;
            for (Message m : received) {
                long offset = Position.decode(m.position()).offset();
                assertTrue(offset > lastOffset, "in order, never twice");
                lastOffset = offset;
                if ("vote".equals(m.name())) {
                    sawVote = true;
                    assertEquals(ack.position(), m.position());
                } else {
                    numbers.add(m.data().get("n").asInt());
                }
            }
            assertTrue(sawVote);
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), numbers);
        }
    }

    @Test
    void aSubscriberResumesOnTheOtherPodWithEveryMissedMessageOnce() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room";
        try (Backend backend = new Backend(ns, ch)) {
            String last;
            try (WsProbe onA = WsProbe.connect(podA.wsUri())) {
                ResumeIT.subscribed(onA, ch, "");
                backend.sendRange(0, 4);
                last = ResumeIT.expectRange(onA, 0, 4);
                onA.abort();
            }
            backend.sendRange(4, 12);
            try (WsProbe onB = WsProbe.connect(podB.wsUri())) {
                JsonNode sub = ResumeIT.subscribed(onB, ch, ",\"since\":\"" + last + "\"");
                assertTrue(sub.get("resumed").asBoolean());
                ResumeIT.expectRange(onB, 4, 12);
                backend.sendRange(12, 14);
                ResumeIT.expectRange(onB, 12, 14);
                onB.assertNoMoreFrames();
            }
        }
    }

    @Test
    void aPublishRetriedOnTheOtherPodWithTheSameIdYieldsOneRecord() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":votes";
        String frame = "{\"type\":\"publish\",\"ref\":\"p\",\"channel\":\"" + ch
                + "\",\"id\":\"q-7\",\"name\":\"answer\",\"data\":{\"a\":1}%s}";
        JsonNode first;
        try (WsProbe onA = WsProbe.connect(podA.wsUri())) {
            onA.send(String.format(frame, ""));
            first = onA.expect("ack");
            assertFalse(first.get("duplicate").asBoolean());
        }
        try (WsProbe onB = WsProbe.connect(podB.wsUri())) {
            onB.send(String.format(frame, ",\"retry\":true"));
            JsonNode again = onB.expect("ack");
            assertTrue(again.get("duplicate").asBoolean());
            assertEquals(first.get("position"), again.get("position"));
        }
        HttpResponse<String> viaHttp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                podB.http("/v1/channels/" + ch + "/messages")).header("Idempotency-Key", "q-7")
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":{\"a\":1}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, viaHttp.statusCode(), viaHttp::body);
        assertEquals(1, countRecordsWithId(ns, ch, "q-7"));
    }

    /** Reads the channel's partition from the start, as any Kafka consumer would. */
    static int countRecordsWithId(String ns, String ch, String id) {
        String topic = "chorus." + ns;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers",
                TestKafka.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            int count = 0;
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    var h = r.headers().lastHeader("chorus-id");
                    if (h != null && id.equals(new String(h.value(), StandardCharsets.UTF_8))
                            && ch.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        count++;
                    }
                }
            }
            return count;
        }
    }
}
