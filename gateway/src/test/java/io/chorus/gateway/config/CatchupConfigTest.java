package io.chorus.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatchupConfigTest {

    private static GatewayConfig load(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1"));
        env.putAll(more);
        return ConfigLoader.load(false, null, env);
    }

    @Test
    void resumesAndHistoryGetOneReaderPerCoreUnlessTold() {
        CatchupConfig c = load(Map.of()).catchup();
        assertEquals(0, c.threads());
        assertEquals(Runtime.getRuntime().availableProcessors(), c.threadCount());
        assertEquals(3, load(Map.of("CHORUS_CATCHUP_THREADS", "3")).catchup().threadCount());
    }

    @Test
    void badSizesAndPollTimeoutsAreRefusedByName() {
        for (Map<String, String> bad : java.util.List.of(Map.of("CHORUS_CATCHUP_THREADS", "-1"),
                Map.of("CHORUS_CATCHUP_QUEUE", "0"),
                Map.of("CHORUS_CATCHUP_BATCH_RECORDS", "0"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> load(bad), bad.toString());
            assertTrue(e.getMessage().contains("catchup"), e.getMessage());
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(Map.of("CHORUS_CATCHUP_POLL_TIMEOUT", "0ms")));
        assertTrue(e.getMessage().contains("catchup.pollTimeout"), e.getMessage());
    }
}
