package io.chorus.ingest;

import io.chorus.ingest.config.ConfigException;
import io.chorus.ingest.config.ConfigLoader;
import io.chorus.ingest.config.IngestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar chorus-ingest.jar [--config ingest.yaml]}: runs ingest until stopped (SIGTERM or
 * Ctrl-C close it cleanly). The config file defaults to {@code ./ingest.yaml} when it exists; Kafka comes
 * from {@code kafka.bootstrapServers} or {@code KAFKA_BOOTSTRAP_SERVERS}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path file = Files.exists(Path.of("ingest.yaml")) ? Path.of("ingest.yaml") : null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else {
                System.err.println("usage: java -jar chorus-ingest.jar [--config ingest.yaml]");
                System.exit(2);
            }
        }
        IngestConfig config;
        try {
            config = ConfigLoader.load(file, System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Ingest ingest = Ingest.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ingest.close();
            stopped.countDown();
        }, "chorus-ingest-shutdown"));
        System.out.println("Chorus ingest is running (Kafka " + config.kafka().bootstrapServers()
                + ", application " + config.kafka().applicationId() + "; Ctrl-C stops)");
        stopped.await();
    }
}
