package io.chorus.ingest;

import io.chorus.ingest.api.ApiConfig;
import io.chorus.ingest.api.IngestApi;
import io.chorus.ingest.config.ApiKeys;
import io.chorus.ingest.config.ConfigException;
import io.chorus.ingest.config.ConfigLoader;
import io.chorus.ingest.config.IngestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar chorus-ingest.jar [--config ingest.yaml]}: runs ingest until stopped (SIGTERM or
 * Ctrl-C close it cleanly). The config file defaults to {@code ./ingest.yaml} when it exists; Kafka comes
 * from {@code kafka.bootstrapServers} or {@code KAFKA_BOOTSTRAP_SERVERS}. On {@code engage.http.port}
 * (8081) it serves the join API (when {@code engage.hmacSecret} is set), {@code /health/live},
 * {@code /health/ready} (Streams RUNNING and the event registry loaded) and {@code /metrics}.
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
        ApiKeys keys;
        try {
            config = ConfigLoader.load(file, System.getenv());
            keys = ConfigLoader.loadApi(file, System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ApiConfig apiConfig = keys.toApiConfig(config.kafka());
        boolean joinApi = keys.hmacSecret() != null && !keys.hmacSecret().isBlank();
        List<String> problems = joinApi ? apiConfig.problems() : List.of();
        if (!problems.isEmpty()) {
            System.err.println("invalid configuration: " + String.join("; ", problems));
            System.exit(2);
        }
        Ingest ingest = Ingest.start(config);
        IngestApi.Ops ops = new IngestApi.Ops(
                () -> ingest.state() == Ingest.State.FAILED ? "kafka streams failed" : null,
                () -> ingest.state() == Ingest.State.READY ? null : "kafka streams " + ingest.state(),
                () -> ingest.metrics().scrape());
        IngestApi http;
        try {
            http = joinApi ? IngestApi.start(apiConfig, ingest.metrics(), ops)
                    : IngestApi.opsOnly(keys.http().host(), keys.http().port(), ops);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            ingest.close();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // The API first: no new creates while Streams commits its last transaction and leaves the group.
            http.close();
            ingest.close();
            stopped.countDown();
        }, "chorus-ingest-shutdown"));
        System.out.println("Chorus ingest is running (Kafka " + config.kafka().bootstrapServers()
                + ", application " + config.kafka().applicationId() + ", http port " + http.port()
                + (joinApi ? "" : ", join API off: engage.hmacSecret not set") + "; Ctrl-C stops)");
        stopped.await();
    }
}
