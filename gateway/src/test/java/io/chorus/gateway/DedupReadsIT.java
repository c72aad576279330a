package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.config.Partitioner;
import io.chorus.gateway.feed.TopicInfo;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.WsProbe;
import io.chorus.schema.ChannelName;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * Resumes, history and rewinds drop the repeats of a message id exactly as live delivery does, on a
 * pod whose id index never saw the first record: a backend duplicate written straight to Kafka within
 * the dedup window, both copies older than what the pod's live reader pre-read.
 */
class DedupReadsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Small, so that a few dozen records put both copies before a fresh pod's pre-read. */
    private static final String WINDOW_RECORDS = "50";

    /** A topic as a backend finds it, and a producer writing to it with or without a chorus-id. */
    private record Log(TopicInfo topic, KafkaProducer<byte[], byte[]> producer) implements AutoCloseable {

        static Log create(String ns) throws Exception {
            String name = "chorus." + ns;
            TestKafka.ensureTopic(name, 4);
            try (var admin = TestKafka.admin()) {
                var d = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
                UUID id = new UUID(d.topicId().getMostSignificantBits(), d.topicId().getLeastSignificantBits());
                return new Log(new TopicInfo(name, id, 4), TestKafka.producer());
            }
        }

        long write(String channel, String id, int n) throws Exception {
            RecordHeaders h = new RecordHeaders();
            if (id != null) {
                h.add("chorus-id", id.getBytes(StandardCharsets.UTF_8));
            }
            return producer.send(new ProducerRecord<>(topic.name(), null, channel.getBytes(StandardCharsets.UTF_8),
                    ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8), h)).get(30, TimeUnit.SECONDS).offset();
        }

        /** Another channel on the same partition: traffic that moves the partition's end. */
        String neighbour(String channel) {
            int p = partition(channel);
            for (int i = 0; ; i++) {
                String other = channel + "-other" + i;
                if (partition(other) == p) {
                    return other;
                }
            }
        }

        int partition(String channel) {
            return topic.partitionOf(ChannelName.parse(channel), Partitioner.MURMUR2);
        }

        String position(String channel, long offset) {
            return topic.position(partition(channel), offset).encode();
        }

        void traffic(String channel, int records) throws Exception {
            String other = neighbour(channel);
            for (int i = 0; i < records; i++) {
                write(other, null, i);
            }
        }

        @Override
        public void close() {
            producer.close();
        }
    }

    private static TestGateway freshPod() {
        return TestGateway.start(c -> TestGateway.config(Map.of("CHORUS_PUBLISH_DEDUP_RECORDS", WINDOW_RECORDS)));
    }

    /** The n of each message frame until the subscriber is quiet. */
    private static List<Integer> numbers(WsProbe p, int expected) throws Exception {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < expected; i++) {
            out.add(p.expect("message").get("data").get("n").asInt());
        }
        p.assertNoMoreFrames();
        return out;
    }

    private static List<Integer> history(TestGateway g, String ch, String query) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(g.http("/v1/channels/" + ch + "/messages?" + query))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        List<Integer> out = new ArrayList<>();
        WsProbe.JSON.readTree(r.body()).get("messages").forEach(m -> out.add(m.get("data").get("n").asInt()));
        return out;
    }

    @Test
    void aResumeAndHistoryOnAFreshPodDropABackendDuplicateWhoseFirstCopyIsBeforeThePosition() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":votes";
        try (Log log = Log.create(ns); TestGateway live = freshPod(); WsProbe watcher = WsProbe.connect(live.wsUri())) {
            watcher.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\"}");
            watcher.expect("subscribed");
            long x = log.write(ch, "x", 0);
            for (int n = 1; n <= 10; n++) {
                log.write(ch, null, n);
            }
            log.write(ch, "x", 11);            // a backend duplicate of x, 11 offsets later: a repeat
            log.traffic(ch, 60);               // the end moves 60 past it: beyond a fresh pod's pre-read
            log.write(ch, null, 12);
            List<Integer> deliverable = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12);
            List<Integer> liveSaw = numbers(watcher, 12);
            assertEquals(0, liveSaw.get(0));
            assertEquals(deliverable, liveSaw.subList(1, liveSaw.size()), "live delivery drops the repeat");

            try (TestGateway fresh = freshPod(); WsProbe resumer = WsProbe.connect(fresh.wsUri())) {
                resumer.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\",\"since\":\""
                        + log.position(ch, x) + "\"}");
                JsonNode sub = resumer.expect("subscribed");
                assertTrue(sub.get("resumed").asBoolean(), sub::toString);
                assertEquals(deliverable, numbers(resumer, deliverable.size()),
                        "the resume read Kafka from after x and still knew the copy for a repeat");
                assertEquals(deliverable, history(fresh, ch, "since=" + log.position(ch, x) + "&limit=100"));
                assertEquals(List.of(12, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0), history(fresh, ch, "limit=100"),
                        "history backward holds x once");
                assertEquals(List.of(12, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0), history(live, ch, "limit=100"),
                        "and so does the pod that read it live");
            }
        }
    }

    @Test
    void rewindOnAFreshPodGetsTheLastNDeliverableMessages() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":quiz";
        try (Log log = Log.create(ns)) {
            log.write(ch, "y", 0);
            for (int n = 1; n <= 3; n++) {
                log.write(ch, null, n);
            }
            log.write(ch, "y", 4);             // a repeat of y: the last record, never delivered
            log.traffic(ch, 60);
            try (TestGateway fresh = freshPod(); WsProbe p = WsProbe.connect(fresh.wsUri())) {
                p.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\",\"rewind\":4}");
                p.expect("subscribed");
                assertEquals(List.of(0, 1, 2, 3), numbers(p, 4));
            }
        }
    }

    @Test
    void rewindOfNPastACacheThatHoldsFewerDeliversNMessagesWhenOneRecordIsARepeat() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":poll";
        try (Log log = Log.create(ns); TestGateway pod = TestGateway.start(TestGateway.cachePerChannel(2));
             WsProbe watcher = WsProbe.connect(pod.wsUri())) {
            watcher.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\"}");
            watcher.expect("subscribed");
            log.write(ch, "y", 0);
            for (int n = 1; n <= 3; n++) {
                log.write(ch, null, n);
            }
            log.write(ch, "y", 4);
            assertEquals(List.of(0, 1, 2, 3), numbers(watcher, 4), "the pod's live reader dropped the repeat");
            try (WsProbe p = WsProbe.connect(pod.wsUri())) {
                p.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\",\"rewind\":4}");
                p.expect("subscribed");
                assertEquals(List.of(0, 1, 2, 3), numbers(p, 4), "rewind 4: four messages, the repeat not counted");
            }
        }
    }
}
