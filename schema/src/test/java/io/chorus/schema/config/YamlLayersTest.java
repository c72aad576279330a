package io.chorus.schema.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlLayersTest {

    static final class Bad extends RuntimeException {
        Bad(String message) {
            super(message);
        }
    }

    record Inner(Duration every, List<String> words, int size) {
        Inner {
            if (size < 0) {
                throw new Bad("size must be >= 0");
            }
        }
    }

    record Outer(Inner inner) {
    }

    private final YamlLayers layers = new YamlLayers(true, Bad.class, Bad::new);

    @Test
    void layersMergeAndTheEnvironmentWins(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "inner:\n  size: 3\n  words: [a]\n");
        ObjectNode tree = layers.emptyTree();
        tree.putObject("inner").put("every", "2m").put("size", 1).putArray("words").add("x");
        YamlLayers.merge(tree, layers.readFile(file));
        YamlLayers.applyEnv(tree, "P", Map.of("P_INNER_EVERY", "250ms", "P_INNER_WORDS", "b, c,,d"));
        Outer o = layers.convert(tree, Outer.class, "");
        assertEquals(new Inner(Duration.ofMillis(250), List.of("b", "c", "d"), 3), o.inner());
    }

    @Test
    void badValuesNameTheirKey(@TempDir Path dir) throws Exception {
        ObjectNode tree = layers.emptyTree();
        tree.putObject("inner").put("every", "soon").put("size", 1).putArray("words");
        Bad duration = assertThrows(Bad.class, () -> layers.convert(tree, Outer.class, "x."));
        assertTrue(duration.getMessage().contains("'x.inner.every'") && duration.getMessage().contains("250ms"),
                duration.getMessage());
        ((ObjectNode) tree.get("inner")).put("every", "1s").put("size", -1);
        Bad own = assertThrows(Bad.class, () -> layers.convert(tree, Outer.class, ""));
        assertTrue(own.getMessage().contains("size must be >= 0"), own.getMessage());
        ((ObjectNode) tree.get("inner")).put("size", 1).put("colour", "red");
        assertTrue(assertThrows(Bad.class, () -> layers.convert(tree, Outer.class, "")).getMessage().contains("colour"));
        Path list = dir.resolve("list.yaml");
        Files.writeString(list, "- a\n");
        assertThrows(Bad.class, () -> layers.readFile(list));
        assertThrows(Bad.class, () -> layers.readFile(dir.resolve("missing.yaml")));
        assertEquals(0, layers.readFile(Files.writeString(dir.resolve("empty.yaml"), "")).size());
    }

    @Test
    void snakeCase() {
        assertEquals("MAX_IN_FLIGHT", YamlLayers.snake("maxInFlight"));
        assertEquals("ENGAGE_HTTP_PORT", YamlLayers.snake("engage-http-port"));
        assertThrows(YamlLayers.BadValue.class, () -> YamlLayers.parseDuration("10 s"));
        assertEquals(Duration.ofHours(1), YamlLayers.parseDuration("1h"));
    }
}
