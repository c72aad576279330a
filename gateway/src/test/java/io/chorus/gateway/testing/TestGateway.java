package io.chorus.gateway.testing;

import io.chorus.gateway.Gateway;
import io.chorus.gateway.config.CacheConfig;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.config.ConnectionConfig;
import io.chorus.gateway.config.GatewayConfig;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A real gateway on 127.0.0.1 and a free port, on the test JVM's Kafka, configured from the same
 * loader as production (prod mode) plus test overrides: topics are created, any namespace is allowed.
 */
public final class TestGateway implements AutoCloseable {

    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private final Gateway gateway;

    private TestGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    public static TestGateway start() {
        return start(c -> c);
    }

    public static TestGateway start(UnaryOperator<GatewayConfig> tweak) {
        return new TestGateway(Gateway.start(tweak.apply(config())));
    }

    public static TestGateway start(UnaryOperator<GatewayConfig> tweak, java.time.Clock clock) {
        return new TestGateway(Gateway.start(tweak.apply(config()), clock));
    }

    public static UnaryOperator<GatewayConfig> limits(int maxConnections, int perSecond, int perIpPerSecond,
                                                      int publishesPerSecond, int subscribesPerSecond) {
        return c -> c.withLimits(new io.chorus.gateway.config.LimitsConfig(maxConnections, perSecond, perIpPerSecond,
                1000, publishesPerSecond, publishesPerSecond, subscribesPerSecond));
    }

    public static GatewayConfig config() {
        return config(Map.of());
    }

    /** The test configuration with more environment overrides, e.g. a key of namespaces.defaults. */
    public static GatewayConfig config(Map<String, String> overrides) {
        Map<String, String> env = env();
        env.put("CHORUS_NAMESPACES_ALLOW_ANY", "true");
        env.put("CHORUS_AUTH_ANONYMOUS", "true");
        env.putAll(overrides);
        return ConfigLoader.load(false, null, env);
    }

    /**
     * The environment every test gateway starts from: the test Kafka, 127.0.0.1 and a free port,
     * topics created with 4 partitions. Mutable, for a test's own additions.
     */
    public static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrapServers());
        env.put("CHORUS_HTTP_HOST", "127.0.0.1");
        env.put("CHORUS_HTTP_PORT", "0");
        env.put("CHORUS_KAFKA_CREATE_TOPICS", "true");
        env.put("CHORUS_KAFKA_PARTITIONS", "4");
        return env;
    }

    /** A namespace no other test uses, so each test has its own topic ({@code chorus.<namespace>}). */
    public static String freshNamespace() {
        return "t" + NAMESPACES.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 1_000_000, 36);
    }

    public static UnaryOperator<GatewayConfig> heartbeat(Duration heartbeat, Duration idle) {
        return c -> c.withConnection(new ConnectionConfig(heartbeat, idle, c.connection().maxSubscriptions(),
                c.connection().maxRewind(), c.connection().outboundBufferBytes(), c.connection().writeDelay()));
    }

    public static UnaryOperator<GatewayConfig> writeDelay(Duration delay) {
        return c -> c.withConnection(new ConnectionConfig(c.connection().heartbeat(), c.connection().idleTimeout(),
                c.connection().maxSubscriptions(), c.connection().maxRewind(), c.connection().outboundBufferBytes(),
                delay));
    }

    public static UnaryOperator<GatewayConfig> cachePerChannel(int n) {
        return c -> c.withCache(new CacheConfig(n, c.cache().maxChannels()));
    }

    /** Waits until this pod reads the presence topic: before, enter and leave answer topic_missing. */
    public TestGateway awaitPresenceReady() {
        Conditions.await("presence ready", java.time.Duration.ofSeconds(30),
                () -> gateway.metrics().registry().get("chorus_presence_ready").gauge().value() == 1);
        return this;
    }

    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/ws");
    }

    public URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + gateway.port() + pathAndQuery);
    }

    public Gateway gateway() {
        return gateway;
    }

    @Override
    public void close() {
        gateway.close();
    }
}
