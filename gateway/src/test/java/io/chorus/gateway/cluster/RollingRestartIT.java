package io.chorus.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.gateway.config.Partitioner;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateway processes serve 1,000 WebSocket subscribers of one channel while a backend produces
 * throughout. The pods are restarted one at a time as a rolling deploy does: SIGTERM (the pod drains:
 * every client is told to reconnect elsewhere), wait for the exit, start it again, wait for
 * readiness. Clients reconnect to any pod and resume from their last position. Every client ends with
 * every message once, in order, with no gap.
 */
class RollingRestartIT {

    private static final int PODS = 3;
    private static final int CLIENTS = 1_000;
    /** The backend's pace: one message every 100 ms, at most MAX_MESSAGES (bounds each client's record). */
    private static final int MAX_MESSAGES = 4_000;
    private static final Duration DRAIN = Duration.ofSeconds(15);
    private static final Duration START = Duration.ofSeconds(120);

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aRollingRestartOfThreeGatewaysUnderAThousandClientsLosesAndDoublesNothing(@TempDir Path tmp)
            throws Exception {
        String ns = TestGateway.freshNamespace();
        String topic = "chorus." + ns;
        String channel = ns + ":keynote";
        TestKafka.ensureTopic(topic, 4);
        TopicPartition tp = new TopicPartition(topic,
                Partitioner.MURMUR2.partition(channel.getBytes(StandardCharsets.UTF_8), 4));
        Map<String, String> env = env();
        List<GatewayProcess> pods = new ArrayList<>();
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        ExecutorService callbacks = Executors.newFixedThreadPool(4);
        // Two client stacks: each JDK HttpClient reads all of its sockets on one selector thread.
        List<HttpClient> https = List.of(HttpClient.newBuilder().executor(callbacks).build(),
                HttpClient.newBuilder().executor(callbacks).build());
        List<ResumingSubscriber> clients = new ArrayList<>();
        AtomicInteger produced = new AtomicInteger();
        Phases phases = new Phases();
        try (KafkaProducer<byte[], byte[]> backend = TestKafka.producer()) {
            for (int i = 0; i < PODS; i++) {
                pods.add(new GatewayProcess(tmp, freePort(), env).launch());
            }
            for (GatewayProcess pod : pods) {
                pod.awaitReady(START);
            }
            phases.mark("pods started");
            List<URI> uris = pods.stream().map(GatewayProcess::wsUri).toList();
            for (int i = 0; i < CLIENTS; i++) {
                ResumingSubscriber c = new ResumingSubscriber(https.get(i % 2), channel, uris, picker(i), timer, i,
                        MAX_MESSAGES);
                clients.add(c);
                c.start();
            }
            Conditions.await(CLIENTS + " clients subscribed", Duration.ofSeconds(120),
                    () -> clients.stream().allMatch(c -> c.subscribed().isDone()));
            phases.mark("clients subscribed");

            byte[] key = channel.getBytes(StandardCharsets.UTF_8);
            timer.scheduleAtFixedRate(() -> {
                int n = produced.get();
                if (n < MAX_MESSAGES) {
                    backend.send(new ProducerRecord<>(topic, key, ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8)));
                    produced.incrementAndGet();
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            awaitDelivered(clients, 20, "before the restarts");

            List<String> drains = new ArrayList<>();
            for (GatewayProcess pod : pods) {
                assertTrue(pod.terminate(DRAIN.plusSeconds(30)), "a pod exits on SIGTERM within its drain deadline");
                phases.mark("drained");
                drains.add(drainLine(pod.launchOutput()));
                pod.launch().awaitReady(START);
                phases.mark("restarted");
                // Traffic flows through the restarted set before the next pod goes.
                int now = produced.get();
                awaitDelivered(clients, now + 10, "after a restart");
            }
            int last = produced.get();
            awaitDelivered(clients, last + 10, "after the rolling restart");
            timer.shutdownNow();
            timer.awaitTermination(10, TimeUnit.SECONDS);
            backend.flush();

            long[] expected = ChannelLog.read(TestKafka.bootstrapServers(), tp, channel).stream()
                    .mapToLong(ChannelLog.Entry::offset).toArray();
            assertEquals(produced.get(), expected.length, "the backend's messages are in Kafka");
            Conditions.await("every client has all " + expected.length + " messages", Duration.ofSeconds(120),
                    () -> clients.stream().allMatch(c -> c.received() >= expected.length || c.troubled()));
            int resumes = 0;
            int refusedConnects = 0;
            for (ResumingSubscriber c : clients) {
                assertEquals(List.of(), c.problems(), "client problems");
                assertTrue(Arrays.equals(expected, c.offsets()), "a client got every message once, in order");
                assertTrue(c.resumes() >= 1, "every client was moved at least once by a drain");
                resumes += c.resumes();
                refusedConnects += c.failedConnects();
            }
            phases.mark("checked");
            for (String drain : drains) {
                assertTrue(drain.contains("0 publishes in flight, 0 connections open"),
                        "every client left the draining pod before its deadline: " + drain);
            }
            System.out.printf("rolling restart: %d pods, %d clients, %d messages each; %d resumes, %d refused or"
                    + " failed connects; phases %s; drains: %s%n", PODS, CLIENTS, expected.length, resumes,
                    refusedConnects, phases, drains);
        } finally {
            timer.shutdownNow();
            clients.forEach(ResumingSubscriber::close);
            pods.forEach(GatewayProcess::close);
            callbacks.shutdownNow();
        }
    }

    /** The pod's environment: the test JVM's broker, dev-like openness, a drain deadline. */
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrapServers());
        env.put("CHORUS_NAMESPACES_ALLOW_ANY", "true");
        env.put("CHORUS_AUTH_ANONYMOUS", "true");
        env.put("CHORUS_KAFKA_CREATE_TOPICS", "true");
        env.put("CHORUS_DRAIN_DEADLINE", DRAIN.toSeconds() + "s");
        // Every test client comes from 127.0.0.1; real audiences come from many addresses.
        env.put("CHORUS_LIMITS_NEW_CONNECTIONS_PER_IP_PER_SECOND", "5000");
        env.put("CHORUS_LIMITS_NEW_CONNECTIONS_PER_SECOND", "5000");
        return env;
    }

    /** First the client's own pod (spread evenly), then any pod at random, as behind a load balancer. */
    private static IntSupplier picker(int client) {
        Random random = new Random(client);
        int[] calls = {0};
        return () -> calls[0]++ == 0 ? client % PODS : random.nextInt(PODS);
    }

    private static String drainLine(String log) {
        return log.lines().filter(l -> l.contains("drained:")).findFirst().orElse("no drain logged");
    }

    private static void awaitDelivered(List<ResumingSubscriber> clients, int n, String when) {
        Conditions.await("every client has " + n + " messages " + when, Duration.ofSeconds(120),
                () -> clients.stream().allMatch(c -> c.received() >= n || c.troubled()));
    }

    /** Seconds each phase took, for the report (not asserted). */
    private static final class Phases {
        private final StringBuilder text = new StringBuilder();
        private long last = System.nanoTime();

        void mark(String phase) {
            long now = System.nanoTime();
            text.append(text.length() == 0 ? "" : ", ").append(phase).append(' ')
                    .append((now - last) / 100_000_000 / 10.0).append(" s");
            last = now;
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
