package io.chorus.ingest.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.ingest.api.ApiConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The join API's keys under engage.*: the names the Helm chart's env variables and README-api.md use. */
class ApiKeysTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void theChartsEnvironmentNamesSetTheApisSecretsAndPort() {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1",
                "CHORUS_INGEST_ENGAGE_HMAC_SECRET", SECRET, "CHORUS_INGEST_ENGAGE_ADMIN_KEY", "admin-key-16-chars",
                "CHORUS_INGEST_ENGAGE_DEMO_URL", "https://live.example.com/",
                "CHORUS_INGEST_ENGAGE_HTTP_PORT", "9091", "CHORUS_INGEST_ENGAGE_HTTP_CORS_ORIGINS", "https://a, https://b");
        ApiConfig api = ConfigLoader.loadApi(null, env).toApiConfig(ConfigLoader.load(null, env).kafka());
        assertEquals(List.of(), api.problems());
        assertEquals(9091, api.port());
        assertEquals(SECRET, api.hmacSecret());
        assertEquals("admin-key-16-chars", api.adminKey());
        assertEquals(List.of("https://a", "https://b"), api.corsOrigins());
        assertEquals("k:1", api.bootstrapServers());
        assertFalse(api.dev());
        assertFalse(ConfigLoader.loadApi(null, env).toString().contains(SECRET));
    }

    @Test
    void theApisKafkaClientsGetTheClustersSecuritySettingsFromKafkaStreams(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ingest.yaml");
        Files.writeString(file, "kafka:\n  streams:\n    security.protocol: SASL_SSL\n    sasl.mechanism: SCRAM-SHA-512\n"
                + "    config.providers: file\n    commit.interval.ms: \"50\"\n");
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1");
        ApiConfig api = ConfigLoader.loadApi(file, env).toApiConfig(ConfigLoader.load(file, env).kafka());
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "config.providers", "file"),
                api.kafkaClient(), "security settings only, not the Streams application's own");
        Map<String, Object> producer = api.kafka(Map.of("bootstrap.servers", "k:1", "acks", "all"));
        assertEquals("SASL_SSL", producer.get("security.protocol"));
        assertEquals("all", producer.get("acks"));
    }

    @Test
    void theDefaultsAreReadmeApisAndTheSecretsAreMissing() {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1");
        ApiConfig api = ConfigLoader.loadApi(null, env).toApiConfig(ConfigLoader.load(null, env).kafka());
        assertEquals(8081, api.port());
        assertEquals(Duration.ofHours(4), api.tokenTtl());
        assertEquals("chorus.engage-events", api.topics().events());
        assertTrue(api.problems().stream().anyMatch(p -> p.contains("engage.hmacSecret")), api.problems().toString());
        assertTrue(api.problems().stream().anyMatch(p -> p.contains("engage.adminKey")), api.problems().toString());
    }

    @Test
    void aFileSetsThemUnderEngageAndBadValuesNameTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ingest.yaml");
        Files.writeString(file, "engage:\n  publishInterval: 1s\n  http:\n    port: 0\n  maxExports: 5\n");
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1");
        assertEquals(Duration.ofSeconds(1), ConfigLoader.load(file, env).engage().publishInterval());
        ApiKeys keys = ConfigLoader.loadApi(file, env);
        assertEquals(0, keys.http().port());
        assertEquals(5, keys.maxExports());
        Files.writeString(file, "engage:\n  tokenTtl: forever\n");
        ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLoader.loadApi(file, env));
        assertTrue(bad.getMessage().contains("engage.tokenTtl"), bad.getMessage());
        Files.writeString(file, "engage:\n  http:\n    colour: blue\n");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.loadApi(file, env)).getMessage()
                .contains("colour"));
    }
}
