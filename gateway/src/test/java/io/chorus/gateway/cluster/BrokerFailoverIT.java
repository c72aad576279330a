package io.chorus.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.gateway.Gateway;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.config.Partitioner;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.kafka.embedded.KafkaCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-node KRaft cluster (replication 3, {@code min.insync.replicas} 2), each node its own process.
 * Clients publish through two gateways (acks=all) while others subscribe through both; the node
 * leading the channel's partition is killed with SIGKILL, publishing goes on with two nodes, and the
 * node comes back. Every acknowledged publish is in Kafka once at the offset its ack named, nothing
 * is there twice, and every subscriber got exactly what Kafka holds for the channel, in order.
 */
class BrokerFailoverIT {

    private static final int PUBLISHERS = 4;
    private static final int SUBSCRIBERS = 40;
    /** Acks wanted in each phase: before the kill, with a node down, after it is back. */
    private static final int ACKS_PER_PHASE = 150;
    private static final int MAX_PER_PUBLISHER = 5_000;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aBrokerKilledUnderPublishingAndFanOutLosesNoAckedPublishAndSubscribersSeeNoGap(@TempDir Path tmp)
            throws Exception {
        String ns = TestGateway.freshNamespace();
        String topic = "chorus." + ns;
        String channel = ns + ":stage";
        int partitions = 4;
        TopicPartition tp = new TopicPartition(topic,
                Partitioner.MURMUR2.partition(channel.getBytes(StandardCharsets.UTF_8), partitions));
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        List<AckingPublisher> publishers = new ArrayList<>();
        List<ResumingSubscriber> subscribers = new ArrayList<>();
        try (KafkaCluster cluster = KafkaCluster.start(tmp, 3)) {
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 3)
                        .configs(Map.of("min.insync.replicas", "2")))).all().get();
            }
            Map<String, String> env = env(cluster.bootstrapServers());
            // Gateway.start, not TestGateway: these pods use the cluster, not the test JVM's broker.
            try (Gateway a = Gateway.start(ConfigLoader.load(false, null, env));
                 Gateway b = Gateway.start(ConfigLoader.load(false, null, env))) {
                List<URI> pods = List.of(wsUri(a), wsUri(b));
                for (int i = 0; i < SUBSCRIBERS; i++) {
                    int pod = i % 2;
                    // Pinned to one pod: these gateways stay up, so a subscriber never has to move.
                    ResumingSubscriber s = new ResumingSubscriber(http, channel, pods, () -> pod, timer, i,
                            PUBLISHERS * MAX_PER_PUBLISHER);
                    subscribers.add(s);
                    s.start();
                }
                for (ResumingSubscriber s : subscribers) {
                    s.subscribed().get(60, TimeUnit.SECONDS);
                }
                for (int i = 0; i < PUBLISHERS; i++) {
                    publishers.add(new AckingPublisher(http, pods.get(i % 2), "p" + i, channel, 4, MAX_PER_PUBLISHER));
                }
                // A steady pace, 25 publishes a second per client; the window of 4 bounds what waits.
                for (AckingPublisher p : publishers) {
                    timer.scheduleAtFixedRate(p::publishNext, 0, 40, TimeUnit.MILLISECONDS);
                }
                awaitAcks(publishers, ACKS_PER_PHASE, "before the kill");

                int victim = cluster.leaderOf(tp);
                long killedAt = System.nanoTime();
                cluster.kill(victim);
                long acksAtKill = acks(publishers);
                Conditions.await("a new leader for " + tp, Duration.ofSeconds(60),
                        () -> leader(cluster, tp) > 0 && leader(cluster, tp) != victim);
                long newLeaderMs = (System.nanoTime() - killedAt) / 1_000_000;
                awaitAcks(publishers, acksAtKill + ACKS_PER_PHASE, "with node " + victim + " down");

                cluster.restart(victim);
                long acksAtRestart = acks(publishers);
                Conditions.await("node " + victim + " back in the ISR of " + tp, Duration.ofSeconds(120),
                        () -> isr(cluster, tp) == 3);
                awaitAcks(publishers, acksAtRestart + ACKS_PER_PHASE, "after node " + victim + " is back");

                timer.shutdownNow();
                Conditions.await("every publish answered", Duration.ofSeconds(60),
                        () -> publishers.stream().allMatch(p -> p.pending() == 0));
                List<ChannelLog.Entry> log = ChannelLog.read(cluster.bootstrapServers(), tp, channel);
                Conditions.await("every subscriber has all " + log.size() + " records", Duration.ofSeconds(60),
                        () -> subscribers.stream().allMatch(s -> s.received() >= log.size()));

                Map<String, Object> outcomes = new HashMap<>();
                publishers.forEach(p -> outcomes.putAll(p.outcomes()));
                Map<String, List<Long>> inKafka = log.stream().collect(Collectors.groupingBy(
                        e -> String.valueOf(e.id()), TreeMap::new, Collectors.mapping(ChannelLog.Entry::offset,
                                Collectors.toList())));
                Map<String, Integer> refusals = new TreeMap<>();
                for (var o : outcomes.entrySet()) {
                    List<Long> at = inKafka.getOrDefault(o.getKey(), List.of());
                    if (o.getValue() instanceof Long offset) {
                        assertEquals(List.of(offset), at, o.getKey() + ": acked once, at the offset of its ack");
                    } else {
                        assertTrue(at.size() <= 1, o.getKey() + " refused (" + o.getValue() + ") yet written " + at);
                        refusals.merge(o.getValue() + (at.isEmpty() ? " (not written)" : " (written)"), 1,
                                Integer::sum);
                    }
                }
                assertTrue(outcomes.keySet().containsAll(inKafka.keySet()), "nothing in Kafka that was not published");
                assertEquals(log.size(), inKafka.values().stream().mapToInt(List::size).sum());
                long[] expected = log.stream().mapToLong(ChannelLog.Entry::offset).toArray();
                for (ResumingSubscriber s : subscribers) {
                    assertEquals(List.of(), s.problems(), "subscriber problems");
                    assertTrue(java.util.Arrays.equals(expected, s.offsets()),
                            "a subscriber got what Kafka holds, once each, in order");
                }
                System.out.printf("broker failover: killed node %d (leader of %s); new leader after %d ms;"
                        + " %d publishes, %d acked, refusals %s; %d records fanned out to %d subscribers%n",
                        victim, tp, newLeaderMs, outcomes.size(), acks(publishers), refusals, log.size(),
                        subscribers.size());
            }
        } finally {
            timer.shutdownNow();
            subscribers.forEach(ResumingSubscriber::close);
            publishers.forEach(AckingPublisher::close);
        }
    }

    static URI wsUri(Gateway g) {
        return URI.create("ws://127.0.0.1:" + g.port() + "/v1/ws");
    }

    static Map<String, String> env(String bootstrap) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("CHORUS_HTTP_HOST", "127.0.0.1");
        env.put("CHORUS_HTTP_PORT", "0");
        env.put("CHORUS_NAMESPACES_ALLOW_ANY", "true");
        env.put("CHORUS_AUTH_ANONYMOUS", "true");
        // The presence topic the gateways create gets the cluster's replication too.
        env.put("CHORUS_KAFKA_CREATE_TOPICS", "true");
        env.put("CHORUS_KAFKA_REPLICATION_FACTOR", "3");
        // Long enough to outlast the fencing of a killed leader (KafkaCluster.SESSION) and the election.
        env.put("CHORUS_PUBLISH_TIMEOUT", "30s");
        env.put("CHORUS_LIMITS_PUBLISHES_PER_SECOND", "1000");
        env.put("CHORUS_LIMITS_PUBLISHES_PER_CLIENT_PER_SECOND", "1000");
        return env;
    }

    private static void awaitAcks(List<AckingPublisher> publishers, long total, String phase) {
        Conditions.await(total + " acks " + phase, Duration.ofSeconds(120), () -> acks(publishers) >= total);
    }

    private static long acks(List<AckingPublisher> publishers) {
        return publishers.stream().mapToLong(AckingPublisher::acked).sum();
    }

    private static int leader(KafkaCluster cluster, TopicPartition tp) {
        try {
            return cluster.leaderOf(tp);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static int isr(KafkaCluster cluster, TopicPartition tp) {
        try {
            return cluster.describe(tp).isr().size();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
