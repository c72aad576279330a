package io.chorus.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of nodes that are each broker and controller, each in its own process
 * ({@link KafkaProcess}), for fault tests: a node can be killed with SIGKILL and started again.
 * Replication is the cluster size and {@code min.insync.replicas} one less, so acks=all writes go on
 * with one node down. Node ids are 1..size.
 */
public final class KafkaCluster implements AutoCloseable {

    /**
     * The lease of a broker in the cluster. Shorter than Kafka's 9 s so that a killed node is fenced,
     * and leaves the ISR of its partitions, sooner (writes with acks=all wait until then); long enough
     * that a node starved of CPU for a moment on a busy test machine is rarely fenced.
     */
    public static final Duration SESSION = Duration.ofSeconds(6);
    public static final Duration HEARTBEAT = Duration.ofMillis(500);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final List<KafkaProcess> nodes;
    private Admin admin;

    private KafkaCluster(List<KafkaProcess> nodes) {
        this.nodes = nodes;
    }

    /** Starts {@code size} nodes under {@code dir} and waits until every one serves. */
    public static KafkaCluster start(Path dir, int size) {
        int[] ports = new int[size];
        int[] controllerPorts = new int[size];
        for (int i = 0; i < size; i++) {
            ports[i] = freePort();
            controllerPorts[i] = freePort();
        }
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < size; i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(controllerPorts[i]);
        }
        String clusterId = Uuid.randomUuid().toString();
        List<KafkaProcess> nodes = new ArrayList<>();
        KafkaCluster cluster = new KafkaCluster(nodes);
        try {
            // All at once: each node's start-up waits for a quorum of the others.
            for (int i = 0; i < size; i++) {
                nodes.add(KafkaProcess.launch(new KafkaNodeConfig(i + 1, dir.resolve("node-" + (i + 1)), ports[i],
                        controllerPorts[i], voters.toString(), clusterId, size, SESSION, HEARTBEAT), List.of()));
            }
            for (KafkaProcess node : nodes) {
                node.awaitReady(START_TIMEOUT);
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return nodes.stream().map(n -> n.node().bootstrapServers()).collect(Collectors.joining(","));
    }

    /** Node {@code id} (1-based, as {@code node.id}). */
    public KafkaProcess node(int id) {
        return nodes.get(id - 1);
    }

    public int size() {
        return nodes.size();
    }

    /** SIGKILL to node {@code id}; returns once the process is gone. */
    public void kill(int id) {
        node(id).kill();
    }

    /** Starts node {@code id} again on its directory and waits until it serves. */
    public void restart(int id) {
        node(id).restart().awaitReady(START_TIMEOUT);
    }

    /** A new admin client on the cluster; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000));
    }

    /** The partition's current leader and in-sync replicas, as the cluster's metadata says. */
    public TopicPartitionInfo describe(TopicPartition tp) {
        try {
            TopicDescription d = sharedAdmin().describeTopics(List.of(tp.topic())).allTopicNames().get()
                    .get(tp.topic());
            return d.partitions().get(tp.partition());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe " + tp, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The node id leading the partition, or -1 while it has none. */
    public int leaderOf(TopicPartition tp) {
        Node leader = describe(tp).leader();
        return leader == null ? -1 : leader.id();
    }

    /** One admin client for the frequent metadata questions of a test waiting on a condition. */
    private synchronized Admin sharedAdmin() {
        if (admin == null) {
            admin = admin();
        }
        return admin;
    }

    /**
     * Kills every node: the cluster's data is thrown away, and a controlled shutdown of the last nodes
     * would wait for a quorum that is already gone.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (admin != null) {
                admin.close(Duration.ZERO);
            }
        }
        for (KafkaProcess node : nodes) {
            node.kill();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
