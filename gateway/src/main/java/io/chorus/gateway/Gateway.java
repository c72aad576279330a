package io.chorus.gateway;

import io.chorus.gateway.admission.Admission;
import io.chorus.gateway.admission.Connections;
import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.config.GatewayConfig;
import io.chorus.gateway.config.ConfigException;
import io.chorus.gateway.feed.CatchupReader;
import io.chorus.gateway.feed.IdIndex;
import io.chorus.gateway.feed.LiveReader;
import io.chorus.gateway.feed.MessageCache;
import io.chorus.gateway.feed.TopicCatalog;
import io.chorus.gateway.health.Readiness;
import io.chorus.gateway.http.RestDeps;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.chorus.gateway.presence.PresenceService;
import io.chorus.gateway.publish.Publisher;
import io.chorus.gateway.session.SessionDeps;
import io.chorus.gateway.transport.ably.AblyTokens;
import io.chorus.gateway.subscription.Hub;
import io.chorus.gateway.subscription.SubscriptionService;
import io.chorus.gateway.transport.NetworkTransport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway pod: starts its parts in dependency order (Kafka clients, the live and catch-up
 * readers, the publisher, then the HTTP verticles) and stops them in reverse. It never runs a broker:
 * {@code kafka.bootstrapServers} must name one (the dev launcher, module dev/, starts the embedded
 * broker first and passes its address).
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final List<AutoCloseable> parts = new ArrayList<>();
    private Vertx vertx;
    private int port;
    private String bootstrapServers;
    private GatewayConfig config;
    private GatewayMetrics metrics;
    private Admission admission;
    private Connections connections;
    private Readiness readiness;
    private Publisher publisher;

    private Gateway() {
    }

    public static Gateway start(GatewayConfig config) {
        return start(config, Clock.systemUTC());
    }

    /** Starts with the given clock for rate limits, heartbeats and dedup windows (tests drive it). */
    public static Gateway start(GatewayConfig config, Clock clock) {
        return start(config, clock, router -> { });
    }

    /**
     * Starts with extra HTTP routes: {@code extraRoutes} is applied to each HTTP verticle's router
     * (once per event loop, on that loop) after the gateway's own routes, so it cannot shadow them,
     * and before the error pages, so unmatched requests still answer enumerated errors. The dev
     * launcher mounts the join API and the demo app this way; handlers must not block.
     */
    public static Gateway start(GatewayConfig config, Clock clock, Consumer<Router> extraRoutes) {
        Gateway g = new Gateway();
        try {
            g.boot(config, clock, extraRoutes);
            return g;
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    private void boot(GatewayConfig config, Clock clock, Consumer<Router> extraRoutes) {
        if (config.kafka().embeddedBroker()) {
            throw new ConfigException("kafka.bootstrapServers is empty and the gateway runs no broker: set"
                    + " KAFKA_BOOTSTRAP_SERVERS, or run `./chorus dev` (chorus-dev.jar), which starts the embedded one");
        }
        bootstrapServers = config.kafka().bootstrapServers();
        KafkaClients clients = new KafkaClients(config);
        GatewayMetrics metrics = new GatewayMetrics();
        Admin admin = clients.admin();
        TopicCatalog catalog = new TopicCatalog(admin, config.kafka(), clock);
        parts.add(catalog);
        MessageCache cache = new MessageCache(config.cache().messagesPerChannel(), config.cache().maxChannels());
        metrics.gauge("chorus_cache_channels", "channels held in the recent-message cache", cache::channelCount);
        metrics.gauge("chorus_cache_evictions", "channels evicted from the cache", cache::evictions);
        Hub hub = new Hub();
        IdIndex ids = new IdIndex(config.publish().dedupWindow().toMillis(), config.publish().dedupRecords());
        LiveReader live = new LiveReader(clients.consumer("live"), cache, config, metrics, hub, ids);
        parts.add(0, live);
        CatchupReader catchup = new CatchupReader(config.catchup(), ids, o -> clients.consumer("catchup", o));
        parts.add(0, catchup);
        readerMetrics(metrics, "catchup", catchup);
        Admission admission = new Admission(config.limits(), clock, metrics);
        Connections connections = new Connections();
        Readiness readiness = new Readiness(admin, config.kafka().healthTimeout());
        Publisher publisher = new Publisher(clients.producer("publisher"), live, ids, config.publish(), clock,
                readiness::kafkaDown, metrics);
        parts.add(0, publisher);
        parts.add(0, readiness);
        PresenceService presence = new PresenceService(config.presence(), catalog, clients.presenceConsumer(),
                clients.producer("presence"), metrics, clock);
        parts.add(0, presence);
        SubscriptionService subs = new SubscriptionService(config, catalog, live, cache, catchup, hub, metrics, clock,
                presence::subscribers);
        Authenticator auth = new Authenticator(config.auth(), clock, metrics::jwksFetch);
        parts.add(0, auth);
        SessionDeps sessions = new SessionDeps(config, clock, metrics, connections, admission, subs, presence,
                publisher, auth);
        RestDeps rest = new RestDeps(config, auth, subs, catalog, cache, catchup, publisher, admission, presence,
                metrics);
        this.config = config;
        this.metrics = metrics;
        this.admission = admission;
        this.connections = connections;
        this.readiness = readiness;
        this.publisher = publisher;
        if (config.devMode() && config.auth().hmacSecret().startsWith("chorus-dev-secret")) {
            LOG.warn("DEV TOKEN SECRET IN USE: anyone can mint tokens with `./chorus token NAME` (dev only)");
        }
        if (config.auth().anonymous()) {
            LOG.warn("ANONYMOUS ACCESS IS ON: clients without a token may {} (auth.anonymous; for dev only)",
                    config.auth().anonymousCapabilities());
        }
        live.start();
        catchup.start();
        presence.start();
        readiness.start(config.kafka().healthInterval(), connections::broadcast, metrics);

        int instances = config.http().instances();
        NetworkTransport.Choice net = NetworkTransport.choose(config.http().transport());
        vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(Math.max(instances, 2)))
                .withTransport(net.transport()).build();
        if (net.fellBack()) {
            LOG.warn("network transport: {} (http.transport {} cannot be used: {})", net.name(), net.wanted(),
                    net.fallbackReason());
        } else {
            LOG.info("network transport: {}", net.name());
        }
        for (String t : io.chorus.gateway.config.HttpConfig.TRANSPORTS) {
            metrics.gauge("chorus_network_transport", "1 for the event loops' network transport in use, else 0",
                    "transport", t, () -> t.equals(net.name()) ? 1 : 0);
        }
        port = config.http().port() == 0 ? freePort() : config.http().port();
        int p = port;
        // One per pod: the nonces of Ably TokenRequests must be remembered across event loops.
        AblyTokens ablyTokens = new AblyTokens(config.ably(), clock, metrics.registry());
        await(vertx.deployVerticle(() -> new GatewayVerticle(sessions, rest, readiness, p, extraRoutes, ablyTokens),
                new DeploymentOptions().setInstances(instances))
                .toCompletionStage().toCompletableFuture());
        LOG.info("Chorus gateway listening on http://{}:{} (Kafka {})", config.http().host(), port, bootstrapServers);
    }

    /** The readers' meters, labelled {@code reader}: catchup (resumes, history) or lookup (keyed publishes). */
    private static void readerMetrics(GatewayMetrics metrics, String name, CatchupReader reader) {
        var registry = metrics.registry();
        var counters = reader.counters();
        Gauge.builder("chorus_catchup_queue", reader, CatchupReader::queued).tag("reader", name)
                .description("reads and jobs waiting for a reader of the past").register(registry);
        Gauge.builder("chorus_catchup_threads", reader, CatchupReader::threads).tag("reader", name)
                .description("consumers (threads) of a reader of the past").register(registry);
        FunctionCounter.builder("chorus_catchup_passes", counters, c -> c.passes()).tag("reader", name)
                .description("passes over a partition, each serving every forward read waiting for it")
                .register(registry);
        FunctionCounter.builder("chorus_catchup_reads", counters, c -> c.reads()).tag("reader", name)
                .description("forward reads served by passes (over passes: how much reads were shared)")
                .register(registry);
        FunctionCounter.builder("chorus_catchup_records_read", counters, c -> c.records()).tag("reader", name)
                .description("records read from Kafka by a reader of the past").register(registry);
        FunctionCounter.builder("chorus_catchup_empty_polls", counters, c -> c.emptyPolls()).tag("reader", name)
                .description("polls that returned nothing while records were due (Kafka slow to answer)")
                .register(registry);
        FunctionCounter.builder("chorus_catchup_window_records_read", counters, c -> c.windowRecords())
                .tag("reader", name).description("records read only to apply the dedup rule before a read's start")
                .register(registry);
        FunctionCounter.builder("chorus_catchup_repeats_dropped", counters, c -> c.repeats()).tag("reader", name)
                .description("repeats of a message id dropped by reads of the past (the dedup rule)")
                .register(registry);
    }

    public int port() {
        return port;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public GatewayConfig config() {
        return config;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public Admission admission() {
        return admission;
    }

    /**
     * Graceful shutdown: refuse new connections, tell every client to reconnect elsewhere (they resume
     * from their positions), wait for in-flight publishes to be acknowledged, then stop; all within the
     * deadline. Safe to call more than once.
     */
    public void drainAndClose(Duration deadline) {
        if (admission != null && !admission.draining()) {
            long until = System.nanoTime() + deadline.toNanos();
            admission.startDraining();
            readiness.draining();
            LOG.info("draining: {} connections told to reconnect elsewhere", connections.size());
            connections.drainAll();
            while (System.nanoTime() < until
                    && (publisher.inFlight() > 0 || admission.open() > 0)) {
                // Waiting on other threads' progress at shutdown; the loop ends at the deadline.
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            }
            LOG.info("drained: {} publishes in flight, {} connections open", publisher.inFlight(),
                    admission.open());
        }
        close();
    }

    @Override
    public void close() {
        if (vertx != null) {
            try {
                await(vertx.close().toCompletionStage().toCompletableFuture());
            } catch (RuntimeException e) {
                LOG.warn("closing Vert.x: {}", e.toString());
            }
        }
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
        parts.clear();
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("gateway start/stop step failed: " + e.getMessage(), e);
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
