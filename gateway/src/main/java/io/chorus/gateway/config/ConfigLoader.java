package io.chorus.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.schema.config.YamlLayers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads the configuration in layers: classpath defaults, the dev overlay (dev mode), the operator's
 * YAML file, then environment variables ({@code CHORUS_<PATH>} in upper snake case, and
 * {@code KAFKA_BOOTSTRAP_SERVERS}). Unknown keys and bad values fail start-up with a message naming
 * the key, never a half-configured gateway.
 */
public final class ConfigLoader {

    private static final YamlLayers YAML = new YamlLayers(false, ConfigException.class, ConfigException::new);

    private ConfigLoader() {
    }

    public static GatewayConfig load(boolean dev, Path file, Map<String, String> env) {
        ObjectNode tree = YAML.resource(ConfigLoader.class, "chorus-defaults.yaml");
        if (dev) {
            YamlLayers.merge(tree, YAML.resource(ConfigLoader.class, "chorus-dev.yaml"));
        }
        if (file != null) {
            YamlLayers.merge(tree, YAML.readFile(file));
        }
        YamlLayers.applyEnv(tree, "CHORUS", env);
        String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
        if (bootstrap != null && !bootstrap.isBlank()) {
            ((ObjectNode) tree.get("kafka")).put("bootstrapServers", bootstrap);
        }
        inheritNamespaceDefaults(tree);
        return validate(convert(tree));
    }

    /** Each configured namespace starts from {@code namespaces.defaults} and overrides what it sets. */
    private static void inheritNamespaceDefaults(ObjectNode tree) {
        JsonNode namespaces = tree.get("namespaces");
        if (namespaces == null || !(namespaces.get("configured") instanceof ObjectNode configured)
                || !(namespaces.get("defaults") instanceof ObjectNode defaults)) {
            return;
        }
        List<String> names = new ArrayList<>();
        configured.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode own = configured.get(name);
            ObjectNode merged = defaults.deepCopy();
            merged.remove("topic");
            if (own != null && own.isObject()) {
                YamlLayers.merge(merged, own);
            } else if (own != null && !own.isNull()) {
                throw new ConfigException("invalid configuration at 'namespaces.configured." + name
                        + "': must be a mapping");
            }
            configured.set(name, merged);
        }
    }

    static GatewayConfig convert(JsonNode tree) {
        return YAML.convert(tree, GatewayConfig.class, "");
    }

    private static GatewayConfig validate(GatewayConfig c) {
        List<String> problems = new ArrayList<>();
        if (!c.devMode() && !"prod".equals(c.mode())) {
            problems.add("mode must be dev or prod");
        }
        if (c.http().port() < 0 || c.http().port() > 65535) {
            problems.add("http.port must be 0..65535");
        }
        if (c.http().instances() < 1 || c.http().maxMessageBytes() < 1024
                || c.http().maxFrameBytes() < c.http().maxMessageBytes()) {
            problems.add("http.instances must be >= 1 and 1024 <= maxMessageBytes <= maxFrameBytes");
        }
        if (!HttpConfig.TRANSPORTS.contains(c.http().transport())) {
            problems.add("http.transport must be one of " + HttpConfig.TRANSPORTS);
        }
        if (c.kafka().embeddedBroker() && !c.devMode()) {
            problems.add("kafka.bootstrapServers (or KAFKA_BOOTSTRAP_SERVERS) is required outside dev mode");
        }
        if (c.kafka().partitions() < 1 || c.cache().messagesPerChannel() < 1 || c.cache().maxChannels() < 1
                || c.catchup().threads() < 0 || c.catchup().queue() < 1
                || c.catchup().batchRecords() < 1 || c.catchup().maxScanRecords() < 1
                || c.connection().maxSubscriptions() < 1
                || c.history().maxLimit() < 1 || c.publish().dedupRecords() < 1 || c.publish().maxInFlight() < 1) {
            problems.add("partitions, cache, catchup, history and publish sizes must be positive"
                    + " (catchup.threads: 0 = one per core)");
        }
        if (c.catchup().pollTimeout() == null || c.catchup().pollTimeout().toMillis() < 1) {
            problems.add("catchup.pollTimeout must be at least 1ms");
        }
        var conn = c.connection();
        if (conn.writeDelay() == null || conn.writeDelay().isNegative()
                || conn.writeDelay().compareTo(ConnectionConfig.MAX_WRITE_DELAY) > 0
                || conn.outboundBufferBytes() < 1024) {
            problems.add("connection: 0 <= writeDelay <= 1s, outboundBufferBytes >= 1024");
        }
        var p = c.presence();
        if (p.topic() == null || p.topic().isBlank() || p.maxMembers() < 1 || p.maxDataBytes() < 16
                || p.maxChannels() < 1 || p.lease().toMillis() < 1000 || p.grace().isNegative()
                || p.flushInterval().toMillis() < 10 || p.flushInterval().compareTo(p.lease()) >= 0
                || p.occupancyInterval().toMillis() < 10) {
            problems.add("presence: topic required, maxMembers, maxChannels >= 1, maxDataBytes >= 16, lease >= 1s,"
                    + " grace >= 0, 10ms <= flushInterval < lease, occupancyInterval >= 10ms");
        }
        problems.addAll(authProblems(c.auth()));
        problems.addAll(c.ably().problems());
        if (!problems.isEmpty()) {
            throw new ConfigException("invalid configuration: " + String.join("; ", problems));
        }
        return c;
    }

    /** RFC 7518 3.2: an HS256 key is at least as long as the hash (32 bytes); the JOSE library enforces it. */
    static final int MIN_HMAC_SECRET_BYTES = 32;

    static List<String> authProblems(AuthConfig a) {
        List<String> problems = new ArrayList<>();
        if (a.hmacSecret() != null && !a.hmacSecret().isEmpty()
                && a.hmacSecret().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_HMAC_SECRET_BYTES) {
            problems.add("auth.hmacSecret must be at least " + MIN_HMAC_SECRET_BYTES + " bytes (HS256, RFC 7518 3.2)");
        }
        if (!a.jwksUrl().isEmpty()) {
            String problem = urlProblem(a.jwksUrl());
            if (problem != null) {
                problems.add("auth.jwksUrl " + problem);
            }
        }
        if (a.jwksRefresh() == null || a.jwksRefresh().compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add("auth.jwksRefresh must be at least 1s");
        } else if (a.jwksMinRefreshInterval() == null || a.jwksMinRefreshInterval().isNegative()
                || a.jwksMinRefreshInterval().compareTo(a.jwksRefresh()) > 0) {
            problems.add("auth.jwksMinRefreshInterval must be from 0s to auth.jwksRefresh");
        }
        if (a.jwksTimeout() == null || a.jwksTimeout().toMillis() < 1 || a.jwksTimeout().toSeconds() > 60) {
            problems.add("auth.jwksTimeout must be from 1ms to 60s");
        }
        if (a.issuer().isBlank() != a.issuer().isEmpty() || a.audience().isBlank() != a.audience().isEmpty()) {
            problems.add("auth.issuer and auth.audience must be empty (not checked) or not blank");
        }
        return problems;
    }

    private static String urlProblem(String url) {
        try {
            java.net.URI uri = new java.net.URI(url);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                return "must be an http or https URL, not '" + url + "'";
            }
            return uri.getHost() == null ? "has no host: '" + url + "'" : null;
        } catch (java.net.URISyntaxException e) {
            return "is not a URL: " + e.getMessage();
        }
    }
}
