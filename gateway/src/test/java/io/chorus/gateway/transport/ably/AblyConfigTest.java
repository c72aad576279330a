package io.chorus.gateway.transport.ably;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.gateway.config.AblyConfig;
import io.chorus.gateway.config.AblyConfig.AblyKeyConfig;
import io.chorus.gateway.config.ConfigException;
import io.chorus.gateway.config.ConfigLoader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ably.keys is checked at start-up: a bad key, pattern or operation stops the gateway with its path. */
class AblyConfigTest {

    private static List<String> problems(String name, AblyKeyConfig key) {
        return new AblyConfig(true, Map.of(name, key), Duration.ofMinutes(2), 100).problems();
    }

    @Test
    void aKeyCopiedFromAblyLoads() {
        assertEquals(List.of(), problems("app.key", new AblyKeyConfig("s", Map.of("*", List.of("*"),
                "chat:*", List.of("subscribe", "publish", "push-admin"), "room:1", List.of("history")))));
    }

    @Test
    void badKeysPatternsAndOperationsAreNamed() {
        assertTrue(problems("nodot", new AblyKeyConfig("s", null)).get(0).contains("'nodot'"));
        assertTrue(problems("a.b", new AblyKeyConfig("", null)).get(0).contains("secret"));
        assertTrue(problems("a.b", new AblyKeyConfig("s", Map.of("ch*", List.of("subscribe")))).get(0)
                .contains("'ch*'"));
        assertTrue(problems("a.b", new AblyKeyConfig("s", Map.of("has space", List.of("subscribe")))).get(0)
                .contains("'has space'"));
        assertTrue(problems("a.b", new AblyKeyConfig("s", Map.of("x", List.of("fly")))).get(0)
                .contains("operations"));
    }

    @Test
    void secretsStayOutOfToString() {
        String s = new AblyConfig(true, Map.of("a.b", new AblyKeyConfig("topsecret", null)), null, 1).toString();
        assertFalse(s.contains("topsecret"), s);
        assertTrue(s.contains("a.b"), s);
    }

    @Test
    void theConnectionKeySecretIsSetInDevRandomInProductionAndNeverShown() {
        AblyConfig dev = ConfigLoader.load(true, null, Map.of()).ably();
        assertFalse(dev.connectionKeySecret().isEmpty(), "dev pods on one Kafka resume each other's connections");
        assertEquals(Duration.ofHours(24), dev.connectionKeyMaxAge());
        Map<String, String> prod = Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1");
        assertEquals("", ConfigLoader.load(false, null, prod).ably().connectionKeySecret());
        AblyConfig set = ConfigLoader.load(false, null, Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1",
                "CHORUS_ABLY_CONNECTION_KEY_SECRET", "shared-by-every-pod-0123", "CHORUS_ABLY_CONNECTION_KEY_MAX_AGE",
                "10m")).ably();
        assertEquals("shared-by-every-pod-0123", set.connectionKeySecret());
        assertEquals(Duration.ofMinutes(10), set.connectionKeyMaxAge());
        assertFalse(set.toString().contains("shared-by-every-pod"), set.toString());
        String tooShort = assertThrows(ConfigException.class, () -> ConfigLoader.load(false, null, Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "k:1", "CHORUS_ABLY_CONNECTION_KEY_SECRET", "short"))).getMessage();
        assertTrue(tooShort.contains("ably.connectionKeySecret"), tooShort);
    }
}
