package io.chorus.ingest.config;

import io.chorus.ingest.api.ApiConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The join API's keys in ingest's config ({@code engage.http.*}, {@code engage.hmacSecret}, ...;
 * README-api.md lists them). They sit under {@code engage} beside the rules' keys but only Main's
 * standalone server reads them, so {@link ConfigLoader} keeps them out of {@link EngageConfig} and the
 * dev launcher, which runs the API on the gateway's port with its own settings, never needs them.
 */
public record ApiKeys(Http http, String hmacSecret, String adminKey, String demoUrl, Duration tokenTtl,
                      Duration hostTokenTtl, Duration rejoinWindow, int maxBodyBytes, int maxEvents,
                      int maxExportRows, int maxExports, Duration exportTimeout, Duration loadTimeout,
                      Topics topics) {

    /** The names under {@code engage} that belong to the API. */
    static final List<String> NAMES = List.of("http", "hmacSecret", "adminKey", "demoUrl", "tokenTtl", "hostTokenTtl",
            "rejoinWindow", "maxBodyBytes", "maxEvents", "maxExportRows", "maxExports", "exportTimeout",
            "loadTimeout", "topics");

    public record Http(String host, int port, List<String> corsOrigins) {
    }

    public record Topics(String events, String control, String audit, boolean create) {
    }

    /** The API's settings on {@code kafka}'s cluster; topics it creates take kafka.partitions and replication. */
    public ApiConfig toApiConfig(KafkaConfig kafka) {
        return new ApiConfig(kafka.bootstrapServers(), false, http.host(), http.port(), http.corsOrigins(), hmacSecret,
                adminKey, tokenTtl, hostTokenTtl, rejoinWindow, demoUrl, maxBodyBytes, maxEvents, maxExportRows,
                maxExports, exportTimeout, loadTimeout, new ApiConfig.Topics(topics.events(), topics.control(),
                        topics.audit(), topics.create(), kafka.partitions(), kafka.replicationFactor()),
                securitySettings(kafka.streams()));
    }

    /**
     * The entries of {@code kafka.streams} that say how to reach a secured cluster (SASL, TLS, config
     * providers such as the chart's client.properties file): the API's own clients need them too.
     */
    static Map<String, String> securitySettings(Map<String, String> streams) {
        Map<String, String> out = new java.util.TreeMap<>();
        if (streams != null) {
            streams.forEach((k, v) -> {
                if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")
                        || k.startsWith("config.providers")) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    /** Secrets stay out of logs. */
    @Override
    public String toString() {
        return "ApiKeys[http=" + http + ", hmacSecret=" + (blank(hmacSecret) ? "none" : "***") + ", adminKey="
                + (blank(adminKey) ? "none" : "***") + ", demoUrl=" + demoUrl + ", tokenTtl=" + tokenTtl
                + ", hostTokenTtl=" + hostTokenTtl + ", rejoinWindow=" + rejoinWindow + ", maxBodyBytes=" + maxBodyBytes
                + ", maxEvents=" + maxEvents + ", maxExportRows=" + maxExportRows + ", maxExports=" + maxExports
                + ", exportTimeout=" + exportTimeout + ", loadTimeout=" + loadTimeout + ", topics=" + topics + "]";
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
