package io.chorus.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka node, broker and controller, in this JVM (KRaft): the dev broker alone, or one node of a
 * {@link KafkaCluster} in its own process. Storage is formatted once; a second start on the same
 * directory keeps the data, so dev-mode offsets survive a restart. Port 0 picks free ports (tests).
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaRaftServer server;
    private final int port;
    private final Path dataDir;

    private EmbeddedKafka(KafkaRaftServer server, int port, Path dataDir) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** The dev broker: one node, alone in its quorum; port 0 picks a free port (tests). */
    public static EmbeddedKafka start(Path dataDir, int port, int controllerPort) {
        try {
            return start(KafkaNodeConfig.single(dataDir, port == 0 ? freePort() : port,
                    controllerPort == 0 ? freePort() : controllerPort));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pick a free port for the embedded Kafka broker", e);
        }
    }

    /** A node of any quorum; returns once the broker is registered and unfenced, i.e. serves. */
    public static EmbeddedKafka start(KafkaNodeConfig node) {
        Path dataDir = node.dataDir();
        try {
            Files.createDirectories(dataDir);
            Properties props = properties(node);
            Path propsFile = dataDir.resolve("server.properties");
            try (Writer w = Files.newBufferedWriter(propsFile)) {
                props.store(w, "written by Chorus (kafka-embedded)");
            }
            format(dataDir, propsFile, node.clusterId());
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
            server.startup();
            LOG.info("embedded Kafka node {} listening on {} (data in {})", node.nodeId(), node.bootstrapServers(),
                    dataDir);
            return new EmbeddedKafka(server, node.port(), dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka broker in " + dataDir, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private static Properties properties(KafkaNodeConfig node) {
        int port = node.port();
        int controllerPort = node.controllerPort();
        String replicas = String.valueOf(node.replicas());
        String minIsr = String.valueOf(Math.max(1, node.replicas() - 1));
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(node.nodeId()));
        p.put("controller.quorum.voters", node.voters());
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", node.dataDir().resolve("logs").toAbsolutePath().toString());
        p.put("offsets.topic.replication.factor", replicas);
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minIsr);
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "8");
        // The active controller appends a no-op record to the metadata log every this often, 500 ms by
        // default, so that a quorum's followers can tell a live leader from a stalled one (KIP-835). A
        // dev or test node is its own single voter: each no-op is only an append and a flush of its own
        // Raft log, twice a second while nothing else happens. https://kafka.apache.org/41/configuration/broker-configs
        p.put("metadata.max.idle.interval.ms", "5000");
        // Request handler and network threads: Kafka's defaults (8 and 3) are sized for a server of its
        // own. A combined node runs two of each pool (the broker's and the controller's), and every
        // handler wakes from its queue's 300 ms poll and every network thread from its 300 ms select
        // while idle: 22 threads, about 70 wake-ups a second with nothing to do, on a machine whose
        // cores the gateway and ingest share. bench/BENCHMARKS.md, "The dev broker's threads".
        p.put("num.io.threads", "2");
        p.put("num.network.threads", "1");
        // Retention is checked every 5 s so tests that shrink a topic's retention see it applied quickly.
        p.put("log.retention.check.interval.ms", "5000");
        // After a SIGKILL the metadata log still holds this broker's unfenced registration. When the
        // controller becomes active again it grants that stale registration a fresh session, and
        // refuses the restarted broker (a new incarnation id) with DUPLICATE_BROKER_REGISTRATION until
        // the session expires: broker.session.timeout.ms, 9 s by default, plus the retry backoff (up
        // to half the session). The dev lease (KafkaNodeConfig.DEV_SESSION) brings the broker back
        // within seconds; the cost is that a broker whose controller thread starves for that long (a
        // long GC pause, a saturated machine) is fenced until its next heartbeat, a blip that
        // producers retry through. Both settings: https://kafka.apache.org/41/configuration/broker-configs
        // (the refusal: ClusterControlManager.registerBroker in kafka-metadata).
        p.put("broker.session.timeout.ms", String.valueOf(node.session().toMillis()));
        p.put("broker.heartbeat.interval.ms", String.valueOf(node.heartbeat().toMillis()));
        return p;
    }

    /** Formats once: the first start writes {@code cluster.id}, later starts reuse it. */
    private static void format(Path dataDir, Path propsFile, String proposedId) {
        Path idFile = dataDir.resolve("cluster.id");
        try {
            String clusterId;
            if (Files.exists(idFile)) {
                clusterId = Files.readString(idFile).trim();
            } else {
                clusterId = proposedId != null ? proposedId : Uuid.randomUuid().toString();
                Files.writeString(idFile, clusterId);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", propsFile.toString(),
                "--ignore-formatted"}, new PrintStream(out, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IllegalStateException("formatting Kafka storage failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
