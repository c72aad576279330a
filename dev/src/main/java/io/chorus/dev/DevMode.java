package io.chorus.dev;

import io.chorus.gateway.Gateway;
import io.chorus.gateway.config.GatewayConfig;
import io.chorus.ingest.Ingest;
import io.chorus.ingest.api.ApiConfig;
import io.chorus.ingest.api.EngageApi;
import io.chorus.ingest.config.ConfigLoader;
import io.chorus.ingest.config.IngestConfig;
import io.chorus.kafka.embedded.EmbeddedKafka;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./chorus dev} in one process, started in dependency order: the embedded broker (unless
 * {@code KAFKA_BOOTSTRAP_SERVERS} names one), ingest, then the gateway with the join API and the demo
 * app mounted on its port. Stopped in reverse: the gateway drains first, the broker goes last.
 */
public final class DevMode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DevMode.class);

    private final List<AutoCloseable> parts = new ArrayList<>();
    private Gateway gateway;
    private String bootstrapServers;

    private DevMode() {
    }

    public static DevMode start(GatewayConfig config, DevOptions options) {
        DevMode dev = new DevMode();
        try {
            dev.boot(config, options);
            return dev;
        } catch (RuntimeException e) {
            dev.close();
            throw e;
        }
    }

    private void boot(GatewayConfig config, DevOptions options) {
        if (config.kafka().embeddedBroker()) {
            var e = config.kafka().embedded();
            EmbeddedKafka broker = EmbeddedKafka.start(Path.of(e.dataDir()), e.port(), e.controllerPort());
            parts.add(broker);
            config = config.withKafka(config.kafka().withBootstrapServers(broker.bootstrapServers()));
        }
        bootstrapServers = config.kafka().bootstrapServers();
        // The join API and ingest report through the gateway's /metrics.
        CompositeMeterRegistry apiMetrics = new CompositeMeterRegistry();
        Ingest ingest = startIngest(bootstrapServers, apiMetrics);
        parts.add(ingest::close);
        // The join API on the gateway's port (same origin as the demo).
        EngageApi api = EngageApi.start(ApiConfig.dev(bootstrapServers, config.auth().hmacSecret(),
                "http://localhost:" + config.http().port() + "/"), apiMetrics, Clock.systemUTC());
        parts.add(api);
        if (!Files.isDirectory(options.demoDir())) {
            LOG.warn("no demo app at {} (--demo DIR or CHORUS_DEV_DEMO_DIR): / answers 404", options.demoDir());
        }
        Consumer<Router> routes = router -> {
            api.mount(router);
            DemoRoutes.mount(router, options.demoDir());
        };
        gateway = Gateway.start(config, Clock.systemUTC(), routes);
        parts.add(gateway);
        apiMetrics.add(gateway.metrics().registry());
    }

    /**
     * Ingest (the Kafka Streams rules of ENGAGE.md) on the broker above: the bundled ingest defaults,
     * then {@code ./ingest.yaml} when it exists and {@code CHORUS_INGEST_*} variables, with missing
     * topics created. Its meters join the gateway's {@code /metrics}. Closed after the gateway drained.
     */
    private static Ingest startIngest(String bootstrapServers, CompositeMeterRegistry metrics) {
        Path file = Files.exists(Path.of("ingest.yaml")) ? Path.of("ingest.yaml") : null;
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        IngestConfig config = ConfigLoader.load(file, env);
        config = config.withKafka(config.kafka().withCreateTopics(true));
        return Ingest.start(config, metrics);
    }

    public int port() {
        return gateway.port();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Gateway gateway() {
        return gateway;
    }

    /** Drains the gateway within its configured deadline, then stops the rest in reverse order. */
    @Override
    public void close() {
        if (gateway != null) {
            gateway.drainAndClose(gateway.config().drain().deadline());
        }
        for (int i = parts.size() - 1; i >= 0; i--) {
            AutoCloseable part = parts.get(i);
            if (part == gateway) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("stopping {}: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
        parts.clear();
    }
}
