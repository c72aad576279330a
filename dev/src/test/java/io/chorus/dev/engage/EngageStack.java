package io.chorus.dev.engage;

import io.chorus.gateway.Gateway;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.config.GatewayConfig;
import io.chorus.ingest.Ingest;
import io.chorus.ingest.api.ApiConfig;
import io.chorus.ingest.api.EngageApi;
import io.chorus.ingest.config.IngestConfig;
import io.chorus.kafka.embedded.EmbeddedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What {@code ./chorus dev} runs, in this JVM, the way {@code DevMode} wires it (embedded broker,
 * ingest, the gateway with the join API on its port), but with every directory under the test's temp
 * directory and the join API in production mode (an admin key is needed to create events).
 */
final class EngageStack implements AutoCloseable {

    static final String ADMIN_KEY = "admin-key-for-tests";

    private final EmbeddedKafka broker;
    private final Ingest ingest;
    private final EngageApi api;
    private final Gateway gateway;

    EngageStack(Path dir) {
        broker = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0);
        String servers = broker.bootstrapServers();
        IngestConfig ic = io.chorus.ingest.config.ConfigLoader.load(null, Map.of("KAFKA_BOOTSTRAP_SERVERS", servers));
        ingest = Ingest.start(ic.withKafka(ic.kafka().withCreateTopics(true)
                .withStateDir(dir.resolve("ingest").toString())));
        GatewayConfig config = ConfigLoader.load(true, null, Map.of("CHORUS_HTTP_PORT", "0", "CHORUS_HTTP_HOST",
                "127.0.0.1", "KAFKA_BOOTSTRAP_SERVERS", servers));
        ApiConfig d = ApiConfig.dev(servers, config.auth().hmacSecret(), "http://localhost/");
        ApiConfig production = new ApiConfig(servers, false, d.host(), d.port(), d.corsOrigins(), d.hmacSecret(),
                ADMIN_KEY, d.tokenTtl(), d.hostTokenTtl(), d.rejoinWindow(), d.demoUrl(), d.maxBodyBytes(),
                d.maxEvents(), d.maxExportRows(), d.maxExports(), d.exportTimeout(), d.loadTimeout(), d.topics(),
                Map.of());
        api = EngageApi.start(production, new SimpleMeterRegistry(), Clock.systemUTC());
        gateway = Gateway.start(config, Clock.systemUTC(), api::mount);
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/ws");
    }

    @Override
    public void close() {
        gateway.drainAndClose(gateway.config().drain().deadline());
        api.close();
        ingest.close();
        broker.close();
    }
}
