package io.chorus.ingest.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @Test
    void theDefaultsMatchTheGatewaysTopicsAndEngageMd() {
        IngestConfig c = ConfigLoader.defaults("k:9092");
        assertEquals("k:9092", c.kafka().bootstrapServers());
        assertEquals("chorus.engage-in", c.topics().in());
        assertEquals("chorus.engage-me", c.topics().forChannel("engage-me:ABC234:p-1"));
        assertEquals("chorus.engage", c.topics().forChannel("engage:ABC234:a:q1"));
        assertEquals(null, c.topics().forChannel("engage-in:ABC234"));
        assertEquals(Duration.ofMillis(250), c.engage().publishInterval());
        assertEquals(Duration.ofHours(1), c.engage().dedupWindow());
        assertEquals(io.chorus.ingest.engage.Limits.defaults(), c.engage().limits());
        assertEquals(3, c.kafka().partitions());
        assertEquals(new CommitConfig(Duration.ofMillis(100), Duration.ofMillis(100), 1000), c.kafka().commit(),
                "pacing off unless configured");
    }

    @Test
    void commitPacingIsBoundedByStreamsTransactionTimeout(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:1");
        Path file = dir.resolve("ingest.yaml");
        Files.writeString(file, "kafka:\n  commit:\n    interval: 50ms\n    intervalBehind: 5s\n    behindRecords: 1\n");
        assertEquals(new CommitConfig(Duration.ofMillis(50), Duration.ofSeconds(5), 1),
                ConfigLoader.load(file, env).kafka().commit());
        for (String bad : new String[] {"interval: 5ms", "intervalBehind: 6s", "intervalBehind: 50ms",
                "behindRecords: 0", "behindRecords: -5"}) {
            Files.writeString(file, "kafka:\n  commit:\n    " + bad + "\n");
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, env), bad);
            assertTrue(e.getMessage().contains("kafka.commit"), e.getMessage());
        }
        Files.writeString(file, "kafka:\n  commit:\n    behindRecords: many\n");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(file, env)).getMessage()
                .contains("kafka.commit.behindRecords"));
    }

    @Test
    void aFileAndTheEnvironmentOverrideTheDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ingest.yaml");
        Files.writeString(file, "engage:\n  publishInterval: 1s\n  limits:\n    participants: 10\n"
                + "kafka:\n  streams:\n    commit.interval.ms: \"50\"\n");
        IngestConfig c = ConfigLoader.load(file, Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:1",
                "CHORUS_INGEST_ENGAGE_LIMITS_PARTICIPANTS", "20", "CHORUS_INGEST_ENGAGE_BLOCKED_WORDS", "darn, heck",
                "CHORUS_INGEST_TOPICS_ME", "my.me"));
        assertEquals(Duration.ofSeconds(1), c.engage().publishInterval());
        assertEquals(20, c.engage().limits().participants());
        assertEquals(List.of("darn", "heck"), c.engage().blockedWords());
        assertEquals("my.me", c.topics().me());
        assertEquals("50", c.kafka().streams().get("commit.interval.ms"));
    }

    @Test
    void badConfigurationFailsWithAMessageNamingTheKey(@TempDir Path dir) throws Exception {
        ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of()));
        assertTrue(missing.getMessage().contains("bootstrapServers"));
        Path file = dir.resolve("ingest.yaml");
        Files.writeString(file, "engage:\n  publishInterval: soon\n");
        ConfigException bad = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:1")));
        assertTrue(bad.getMessage().contains("engage.publishInterval"), bad.getMessage());
        Files.writeString(file, "engage:\n  colour: blue\n");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(file,
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:1"))).getMessage().contains("colour"));
        Files.writeString(file, "topics:\n  me: chorus.engage\n");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(file,
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:1"))).getMessage().contains("all different"));
    }
}
