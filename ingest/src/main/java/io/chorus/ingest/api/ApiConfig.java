package io.chorus.ingest.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The join API's settings ({@code engage.*} in ingest's config; README-api.md lists them).
 * {@code dev}: event creation is open (no admin key). Tokens are HS256 with {@code hmacSecret}, the
 * gateway's {@code auth.hmacSecret}. {@code maxEvents} bounds the in-memory registry of codes,
 * {@code maxExportRows} an export, {@code maxExports} the exports running at once (each holds a
 * Kafka consumer and a worker thread), {@code exportTimeout} how long one may take.
 */
public record ApiConfig(
        String bootstrapServers,
        boolean dev,
        String host,
        int port,
        List<String> corsOrigins,
        String hmacSecret,
        String adminKey,
        Duration tokenTtl,
        Duration hostTokenTtl,
        Duration rejoinWindow,
        String demoUrl,
        int maxBodyBytes,
        int maxEvents,
        int maxExportRows,
        int maxExports,
        Duration exportTimeout,
        Duration loadTimeout,
        Topics topics,
        Map<String, String> kafkaClient) {

    /** The topics the API reads and writes; created when {@code create} is set (dev), else they must exist. */
    public record Topics(String events, String control, String audit, boolean create, int partitions,
                         short replicationFactor) {
        public static Topics defaults() {
            return new Topics("chorus.engage-events", "chorus.engage-ctl", "chorus.engage-audit", false, 3, (short) 1);
        }
    }

    public ApiConfig {
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
        adminKey = adminKey == null ? "" : adminKey;
        kafkaClient = kafkaClient == null ? Map.of() : Map.copyOf(kafkaClient);
    }

    /**
     * The settings of one of the API's Kafka clients: the cluster's security settings
     * ({@code kafkaClient}: SASL, TLS, config providers, the same ingest's Streams clients use) under
     * the client's own.
     */
    public Map<String, Object> kafka(Map<String, Object> own) {
        Map<String, Object> all = new java.util.HashMap<>(kafkaClient);
        all.putAll(own);
        return all;
    }

    /** These settings with the cluster's security settings for the API's Kafka clients. */
    public ApiConfig withKafkaClient(Map<String, String> settings) {
        return new ApiConfig(bootstrapServers, dev, host, port, corsOrigins, hmacSecret, adminKey, tokenTtl,
                hostTokenTtl, rejoinWindow, demoUrl, maxBodyBytes, maxEvents, maxExportRows, maxExports, exportTimeout,
                loadTimeout, topics, settings);
    }

    /** Production defaults: port 8081, 4 h participant tokens, 24 h rejoin window. */
    public static ApiConfig defaults(String bootstrapServers, String hmacSecret, String adminKey, String demoUrl) {
        return new ApiConfig(bootstrapServers, false, "0.0.0.0", 8081, List.of(), hmacSecret, adminKey,
                Duration.ofHours(4), Duration.ofHours(24), Duration.ofHours(24), demoUrl, 16 * 1024, 100_000, 100_000,
                2, Duration.ofMinutes(2), Duration.ofSeconds(60), Topics.defaults(), Map.of());
    }

    /** Dev mode: open creation, topics created, the demo on the gateway's port. */
    public static ApiConfig dev(String bootstrapServers, String hmacSecret, String demoUrl) {
        ApiConfig d = defaults(bootstrapServers, hmacSecret, "", demoUrl);
        Topics t = d.topics();
        return new ApiConfig(bootstrapServers, true, d.host(), d.port(), List.of("*"), hmacSecret, "", d.tokenTtl(),
                d.hostTokenTtl(), d.rejoinWindow(), demoUrl, d.maxBodyBytes(), d.maxEvents(), d.maxExportRows(),
                d.maxExports(), d.exportTimeout(), d.loadTimeout(),
                new Topics(t.events(), t.control(), t.audit(), true, t.partitions(), t.replicationFactor()), Map.of());
    }

    public ApiConfig withPort(String host, int port) {
        return new ApiConfig(bootstrapServers, dev, host, port, corsOrigins, hmacSecret, adminKey, tokenTtl,
                hostTokenTtl, rejoinWindow, demoUrl, maxBodyBytes, maxEvents, maxExportRows, maxExports, exportTimeout,
                loadTimeout, topics, kafkaClient);
    }

    public ApiConfig withLimits(int maxEvents, int maxExportRows, int maxExports) {
        return new ApiConfig(bootstrapServers, dev, host, port, corsOrigins, hmacSecret, adminKey, tokenTtl,
                hostTokenTtl, rejoinWindow, demoUrl, maxBodyBytes, maxEvents, maxExportRows, maxExports, exportTimeout,
                loadTimeout, topics, kafkaClient);
    }

    public ApiConfig withTopics(Topics t) {
        return new ApiConfig(bootstrapServers, dev, host, port, corsOrigins, hmacSecret, adminKey, tokenTtl,
                hostTokenTtl, rejoinWindow, demoUrl, maxBodyBytes, maxEvents, maxExportRows, maxExports, exportTimeout,
                loadTimeout, t, kafkaClient);
    }

    public ApiConfig withAdminKey(boolean dev, String adminKey) {
        return new ApiConfig(bootstrapServers, dev, host, port, corsOrigins, hmacSecret, adminKey, tokenTtl,
                hostTokenTtl, rejoinWindow, demoUrl, maxBodyBytes, maxEvents, maxExportRows, maxExports, exportTimeout,
                loadTimeout, topics, kafkaClient);
    }

    /** What is wrong, in one message per problem; empty when the config is usable. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            p.add("engage: kafka bootstrap servers are required");
        }
        if (hmacSecret == null || hmacSecret.getBytes(StandardCharsets.UTF_8).length < 32) {
            p.add("engage.hmacSecret must be at least 32 bytes (HS256; the gateway's auth.hmacSecret)");
        }
        if (!dev && adminKey.length() < 16) {
            p.add("engage.adminKey (at least 16 characters) is required outside dev mode: it guards event creation");
        }
        if (port < 0 || port > 65535) {
            p.add("engage.http.port must be 0..65535");
        }
        if (!positive(tokenTtl) || !positive(hostTokenTtl) || rejoinWindow == null || rejoinWindow.isNegative()
                || !positive(exportTimeout) || !positive(loadTimeout)) {
            p.add("engage.tokenTtl, hostTokenTtl, exportTimeout, loadTimeout must be positive, rejoinWindow >= 0");
        }
        if (maxBodyBytes < 256 || maxEvents < 1 || maxExportRows < 1 || maxExports < 1) {
            p.add("engage: maxBodyBytes >= 256, maxEvents, maxExportRows, maxExports >= 1");
        }
        if (demoUrl == null || demoUrl.isBlank()) {
            p.add("engage.demoUrl is required (join links are <demoUrl>#/join/CODE)");
        }
        if (topics == null || topics.partitions() < 1 || topics.replicationFactor() < 1) {
            p.add("engage topics: partitions and replicationFactor >= 1");
        }
        return p;
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    /** Secrets stay out of logs. */
    @Override
    public String toString() {
        return "ApiConfig[bootstrapServers=" + bootstrapServers + ", dev=" + dev + ", host=" + host + ", port=" + port
                + ", corsOrigins=" + corsOrigins + ", hmacSecret=***, adminKey=" + (adminKey.isEmpty() ? "none" : "***")
                + ", tokenTtl=" + tokenTtl + ", hostTokenTtl=" + hostTokenTtl + ", rejoinWindow=" + rejoinWindow
                + ", demoUrl=" + demoUrl + ", maxBodyBytes=" + maxBodyBytes + ", maxEvents=" + maxEvents
                + ", maxExportRows=" + maxExportRows + ", maxExports=" + maxExports + ", exportTimeout=" + exportTimeout
                + ", loadTimeout=" + loadTimeout + ", topics=" + topics + "]";
    }
}
