package io.chorus.ingest;

import io.chorus.ingest.api.ApiConfig;
import io.chorus.ingest.api.IngestApi;
import io.chorus.ingest.config.ApiKeys;
import io.chorus.ingest.config.ConfigException;
import io.chorus.ingest.config.ConfigLoader;
import io.chorus.ingest.config.IngestConfig;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
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
        Running running;
        try {
            running = start(config, keys);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "chorus-ingest-shutdown"));
        System.out.println("Chorus ingest is running (Kafka " + config.kafka().bootstrapServers()
                + ", application " + config.kafka().applicationId() + ", http port " + running.http().port()
                + (running.joinApi() ? "" : ", join API off: engage.hmacSecret not set") + "; Ctrl-C stops)");
        stopped.await();
    }

    /** Ingest and its HTTP port as this Main runs them (tests start the same). */
    public record Running(Ingest ingest, IngestApi http, boolean joinApi) implements AutoCloseable {
        /** The API first: no new creates while Streams commits its last transaction and leaves the group. */
        @Override
        public void close() {
            http.close();
            ingest.close();
        }
    }

    /**
     * Starts Streams, then the HTTP port: the join API when {@code engage.hmacSecret} is set (else only
     * the probes and {@code /metrics}). Bad API settings throw {@link ConfigException} before anything starts.
     */
    public static Running start(IngestConfig config, ApiKeys keys) {
        ApiConfig apiConfig = keys.toApiConfig(config.kafka());
        boolean joinApi = keys.hmacSecret() != null && !keys.hmacSecret().isBlank();
        List<String> problems = joinApi ? apiConfig.problems() : List.of();
        if (!problems.isEmpty()) {
            throw new ConfigException("invalid configuration: " + String.join("; ", problems));
        }
        Ingest ingest = Ingest.start(config);
        // The JVM's meters for the dashboards, as the gateway has them (GC left out for the same reason).
        new JvmMemoryMetrics().bindTo(ingest.metrics());
        new JvmThreadMetrics().bindTo(ingest.metrics());
        new ProcessorMetrics().bindTo(ingest.metrics());
        new UptimeMetrics().bindTo(ingest.metrics());
        IngestApi.Ops ops = new IngestApi.Ops(
                () -> ingest.state() == Ingest.State.FAILED ? "kafka streams failed" : null,
                () -> ingest.state() == Ingest.State.READY ? null : "kafka streams " + ingest.state(),
                () -> ingest.metrics().scrape());
        try {
            IngestApi http = joinApi ? IngestApi.start(apiConfig, ingest.metrics(), ops)
                    : IngestApi.opsOnly(keys.http().host(), keys.http().port(), ops);
            return new Running(ingest, http, joinApi);
        } catch (RuntimeException e) {
            ingest.close();
            throw e;
        }
    }
}
