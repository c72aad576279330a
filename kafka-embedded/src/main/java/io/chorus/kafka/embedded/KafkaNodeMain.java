package io.chorus.kafka.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One Kafka node as a process of its own, so that tests can kill it with SIGKILL ({@link KafkaProcess}
 * starts it). Arguments are {@code key=value}: {@code node}, {@code dir}, {@code port},
 * {@code controllerPort}, {@code voters}, {@code clusterId}, {@code replicas}, {@code sessionMs},
 * {@code heartbeatMs}. Prints {@link #READY} and the bootstrap address once the broker serves; SIGTERM
 * stops it cleanly.
 */
public final class KafkaNodeMain {

    /** The line a parent waits for: the broker is registered, unfenced and answering. */
    public static final String READY = "kafka node ready";

    private KafkaNodeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        KafkaNodeConfig node;
        try {
            node = parse(args);
        } catch (RuntimeException e) {
            System.err.println("bad arguments: " + e.getMessage());
            System.exit(2);
            return;
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(node);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "kafka-node-stop"));
        System.out.println(READY + " " + node.nodeId() + " " + kafka.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    static KafkaNodeConfig parse(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected key=value, got " + arg);
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int port = Integer.parseInt(required(a, "port"));
        int controllerPort = Integer.parseInt(required(a, "controllerPort"));
        return new KafkaNodeConfig(Integer.parseInt(a.getOrDefault("node", "1")), Path.of(required(a, "dir")), port,
                controllerPort, a.getOrDefault("voters", "1@127.0.0.1:" + controllerPort), blankToNull(a.get("clusterId")),
                Integer.parseInt(a.getOrDefault("replicas", "1")),
                Duration.ofMillis(Long.parseLong(a.getOrDefault("sessionMs",
                        String.valueOf(KafkaNodeConfig.DEV_SESSION.toMillis())))),
                Duration.ofMillis(Long.parseLong(a.getOrDefault("heartbeatMs",
                        String.valueOf(KafkaNodeConfig.DEV_HEARTBEAT.toMillis())))));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String required(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key + "=");
        }
        return v;
    }

    /** The arguments that start {@code node} (the inverse of {@link #parse}). */
    static String[] args(KafkaNodeConfig node) {
        return new String[] {"node=" + node.nodeId(), "dir=" + node.dataDir().toAbsolutePath(),
            "port=" + node.port(), "controllerPort=" + node.controllerPort(), "voters=" + node.voters(),
            "clusterId=" + (node.clusterId() == null ? "" : node.clusterId()), "replicas=" + node.replicas(),
            "sessionMs=" + node.session().toMillis(), "heartbeatMs=" + node.heartbeat().toMillis()};
    }
}
