package io.chorus.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @Test
    void devModeStartsTheEmbeddedBrokerAndAllowsAnyNamespace() {
        GatewayConfig c = ConfigLoader.load(true, null, Map.of());
        assertTrue(c.devMode());
        assertTrue(c.kafka().embeddedBroker());
        assertTrue(c.kafka().createTopics());
        assertEquals("chorus.anything", c.namespace("anything").topic());
        assertEquals(8080, c.http().port());
    }

    @Test
    void devModeDeclaresTheEngagementNamespacesOfEngageMd() {
        GatewayConfig c = ConfigLoader.load(true, null, Map.of());
        for (String in : new String[] {"engage-in", "engage-ctl"}) {
            assertTrue(c.namespace(in).clientPublish(), in);
            assertFalse(c.namespace(in).conflate(), in);
        }
        for (String out : new String[] {"engage", "engage-chat", "engage-mod", "engage-me"}) {
            assertFalse(c.namespace(out).clientPublish(), out + " is written by ingest only");
            assertEquals("chorus." + out, c.namespace(out).topic());
        }
        assertTrue(c.namespace("engage").conflate());
        assertTrue(c.namespace("engage-mod").conflate());
        assertFalse(c.namespace("engage-chat").conflate());
        assertFalse(c.namespace("engage-me").conflate());
    }

    @Test
    void productionNeedsBootstrapServersAndKnowsOnlyConfiguredNamespaces() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(false, null, Map.of()));
        assertTrue(e.getMessage().contains("bootstrapServers"), e.getMessage());
        GatewayConfig c = ConfigLoader.load(false, null, Map.of("KAFKA_BOOTSTRAP_SERVERS", "k1:9092"));
        assertEquals("k1:9092", c.kafka().bootstrapServers());
        assertFalse(c.kafka().createTopics());
        assertEquals("chorus.default", c.namespace("default").topic());
        assertNull(c.namespace("chat"));
    }

    @Test
    void environmentVariablesOverrideAnyKeyByItsPath() {
        GatewayConfig c = ConfigLoader.load(true, null, Map.of("CHORUS_HTTP_PORT", "9999",
                "CHORUS_CONNECTION_IDLE_TIMEOUT", "90s", "CHORUS_CACHE_MESSAGES_PER_CHANNEL", "7",
                "CHORUS_HTTP_CORS_ORIGINS", "https://a.example, https://b.example"));
        assertEquals(9999, c.http().port());
        assertEquals(java.util.List.of("https://a.example", "https://b.example"), c.http().corsOrigins());
        assertEquals(Duration.ofSeconds(90), c.connection().idleTimeout());
        assertEquals(7, c.cache().messagesPerChannel());
    }

    @Test
    void aYamlFileConfiguresNamespacesAndTheirTopics(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("chorus.yaml");
        Files.writeString(f, """
                namespaces:
                  configured:
                    chat: {topic: events.chat, clientPublish: true}
                    poll: {clientPublish: false}
                """);
        GatewayConfig c = ConfigLoader.load(false, f, Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1"));
        assertEquals("events.chat", c.namespace("chat").topic());
        assertEquals("chorus.poll", c.namespace("poll").topic());
        assertFalse(c.namespace("poll").clientPublish());
    }

    @Test
    void aNamespaceSaysWhichPartitionerItsBackendsUseAndInheritsTheDefaultOne(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("chorus.yaml");
        Files.writeString(f, """
                namespaces:
                  allowAny: true
                  configured:
                    py: {partitioner: crc32}
                    java: {}
                """);
        GatewayConfig c = ConfigLoader.load(false, f, Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1"));
        assertEquals(Partitioner.CRC32, c.namespace("py").partitioner());
        assertEquals(Partitioner.MURMUR2, c.namespace("java").partitioner());
        assertEquals(Partitioner.MURMUR2, c.namespace("unconfigured").partitioner());
        GatewayConfig crcByDefault = ConfigLoader.load(false, f, Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1",
                "CHORUS_NAMESPACES_DEFAULTS_PARTITIONER", "crc32"));
        assertEquals(Partitioner.CRC32, crcByDefault.namespace("java").partitioner());
        assertEquals(Partitioner.CRC32, crcByDefault.namespace("unconfigured").partitioner());
    }

    @Test
    void anUnknownPartitionerIsAConfigErrorNamingTheKeyAndTheChoices(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("chorus.yaml");
        Files.writeString(f, """
                namespaces:
                  configured:
                    py: {partitioner: consistent_random}
                """);
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(false, f, Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1")));
        assertTrue(e.getMessage().contains("namespaces.configured.py.partitioner"), e.getMessage());
        assertTrue(e.getMessage().contains("consistent_random") && e.getMessage().contains("murmur2, crc32"),
                e.getMessage());
        ConfigException env = assertThrows(ConfigException.class, () -> ConfigLoader.load(false, null,
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", "CHORUS_NAMESPACES_DEFAULTS_PARTITIONER", "CRC-32")));
        assertTrue(env.getMessage().contains("namespaces.defaults.partitioner"), env.getMessage());
    }

    @Test
    void unknownKeysBadValuesAndBadDurationsFailWithTheKeyNamed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "http:\n  prot: 80\n");
        ConfigException unknown = assertThrows(ConfigException.class, () -> ConfigLoader.load(true, f, Map.of()));
        assertTrue(unknown.getMessage().contains("prot"), unknown.getMessage());
        ConfigException duration = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(true, null, Map.of("CHORUS_CONNECTION_HEARTBEAT", "soon")));
        assertTrue(duration.getMessage().contains("heartbeat"), duration.getMessage());
        ConfigException number = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(true, null, Map.of("CHORUS_HTTP_PORT", "eighty")));
        assertTrue(number.getMessage().contains("port"), number.getMessage());
        assertThrows(ConfigException.class, () -> ConfigLoader.load(true, null, Map.of("CHORUS_HTTP_PORT", "70000")));
        ConfigException transport = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(true, null, Map.of("CHORUS_HTTP_TRANSPORT", "kqueue")));
        assertTrue(transport.getMessage().contains("http.transport"), transport.getMessage());
        assertEquals("io_uring", ConfigLoader.load(true, null, Map.of("CHORUS_HTTP_TRANSPORT", "io_uring")).http().transport());
        assertFalse(ConfigLoader.load(true, null, Map.of()).http().h2c(), "h2c is off by default");
        assertTrue(ConfigLoader.load(true, null, Map.of("CHORUS_HTTP_H2C", "true")).http().h2c());
        ConfigException h2c = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(true, null, Map.of("CHORUS_HTTP_H2C", "sometimes")));
        assertTrue(h2c.getMessage().contains("h2c"), h2c.getMessage());
        for (String delay : new String[] {"-1ms", "2s"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigLoader.load(true, null, Map.of("CHORUS_CONNECTION_WRITE_DELAY", delay)));
            assertTrue(e.getMessage().contains("writeDelay"), e.getMessage());
        }
        assertEquals(java.time.Duration.ofMillis(20), ConfigLoader.load(true, null,
                Map.of("CHORUS_CONNECTION_WRITE_DELAY", "20ms")).connection().writeDelay());
        Files.writeString(f, "- just\n- a list\n");
        assertThrows(ConfigException.class, () -> ConfigLoader.load(true, f, Map.of()));
        assertThrows(ConfigException.class, () -> ConfigLoader.load(true, dir.resolve("missing.yaml"), Map.of()));
    }

    @Test
    void theJwksUrlIssuerAndAudienceHaveDefaultsAndRefuseBadValuesByName() {
        Map<String, String> env = new java.util.HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1"));
        AuthConfig a = ConfigLoader.load(false, null, env).auth();
        assertEquals("", a.jwksUrl());
        assertEquals(Duration.ofMinutes(10), a.jwksRefresh());
        assertEquals(Duration.ofSeconds(30), a.jwksMinRefreshInterval());
        assertEquals(Duration.ofSeconds(5), a.jwksTimeout());
        assertEquals("", a.issuer());
        assertEquals("", a.audience());
        env.putAll(Map.of("CHORUS_AUTH_JWKS_URL", "https://idp.example/.well-known/jwks.json",
                "CHORUS_AUTH_ISSUER", "https://idp.example/", "CHORUS_AUTH_AUDIENCE", "chorus"));
        a = ConfigLoader.load(false, null, env).auth();
        assertEquals("https://idp.example/.well-known/jwks.json", a.jwksUrl());
        assertEquals("chorus", a.audience());
        String[][] bad = { // environment variable, value, the key the message must name
            {"CHORUS_AUTH_JWKS_URL", "file:///etc/passwd", "auth.jwksUrl"},
            {"CHORUS_AUTH_JWKS_REFRESH", "500ms", "auth.jwksRefresh"},
            {"CHORUS_AUTH_JWKS_MIN_REFRESH_INTERVAL", "1h", "auth.jwksMinRefreshInterval"},
            {"CHORUS_AUTH_JWKS_TIMEOUT", "0s", "auth.jwksTimeout"},
            {"CHORUS_AUTH_ISSUER", " ", "auth.issuer"},
            {"CHORUS_AUTH_HMAC_SECRET", "too-short", "auth.hmacSecret"}};
        for (String[] b : bad) {
            Map<String, String> e = Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1", b[0], b[1]);
            String message = assertThrows(ConfigException.class, () -> ConfigLoader.load(false, null, e)).getMessage();
            assertTrue(message.contains(b[2]), b[0] + ": " + message);
        }
    }
}
