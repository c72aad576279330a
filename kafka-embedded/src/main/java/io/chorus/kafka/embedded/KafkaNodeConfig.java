package io.chorus.kafka.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One KRaft node that is both broker and controller: its id, data directory, ports, the controller
 * quorum it belongs to, and the replication its internal topics and new topics get.
 *
 * @param nodeId       {@code node.id}; stays the same across restarts (the partitions' replicas name it)
 * @param dataDir      holds {@code server.properties}, {@code cluster.id} and the log segments
 * @param port         the client listener (PLAINTEXT) on 127.0.0.1
 * @param controllerPort the CONTROLLER listener on 127.0.0.1
 * @param voters       {@code controller.quorum.voters}, e.g. {@code 1@127.0.0.1:9093}
 * @param clusterId    used to format storage the first time; null: a random id (single node)
 * @param replicas     replication factor of new and internal topics; {@code min.insync.replicas} is
 *                     one less (at least 1), so a cluster of 3 takes acks=all writes with one node down
 * @param session      {@code broker.session.timeout.ms}: how long the controller keeps a silent broker's
 *                     registration, and so how long a broker restarted after SIGKILL waits (see EmbeddedKafka)
 * @param heartbeat    {@code broker.heartbeat.interval.ms}; well under {@code session}
 */
public record KafkaNodeConfig(int nodeId, Path dataDir, int port, int controllerPort, String voters,
                              String clusterId, int replicas, Duration session, Duration heartbeat) {

    /** The dev broker's lease: six heartbeats long, so a SIGKILLed broker is back within seconds. */
    public static final Duration DEV_SESSION = Duration.ofMillis(3000);
    public static final Duration DEV_HEARTBEAT = Duration.ofMillis(500);
    /** Kafka's defaults ({@code broker.session.timeout.ms}, {@code broker.heartbeat.interval.ms}). */
    public static final Duration KAFKA_SESSION = Duration.ofMillis(9000);
    public static final Duration KAFKA_HEARTBEAT = Duration.ofMillis(2000);

    public KafkaNodeConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(voters, "voters");
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1: " + replicas);
        }
        if (heartbeat.compareTo(session) >= 0) {
            throw new IllegalArgumentException("heartbeat " + heartbeat + " must be shorter than session " + session);
        }
    }

    /** The dev and test broker: node 1, alone in its quorum, replication 1. */
    public static KafkaNodeConfig single(Path dataDir, int port, int controllerPort) {
        return new KafkaNodeConfig(1, dataDir, port, controllerPort, "1@127.0.0.1:" + controllerPort, null, 1,
                DEV_SESSION, DEV_HEARTBEAT);
    }

    /** The same node with another broker lease. */
    public KafkaNodeConfig withLease(Duration newSession, Duration newHeartbeat) {
        return new KafkaNodeConfig(nodeId, dataDir, port, controllerPort, voters, clusterId, replicas, newSession,
                newHeartbeat);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }
}
