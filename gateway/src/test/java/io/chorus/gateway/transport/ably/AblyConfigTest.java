package io.chorus.gateway.transport.ably;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.gateway.config.AblyConfig;
import io.chorus.gateway.config.AblyConfig.AblyKeyConfig;
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
}
