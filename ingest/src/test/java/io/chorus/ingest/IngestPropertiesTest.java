package io.chorus.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chorus.ingest.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.internals.StreamsConfigUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestPropertiesTest {

    @Test
    void exactlyOnceWithStreamsCommittingEveryHundredMillisecondsUnlessConfigured(@TempDir Path dir)
            throws Exception {
        Properties defaults = Ingest.properties(ConfigLoader.defaults("k:9092"));
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, defaults.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        // Streams' own commits come every kafka.commit.intervalBehind (by default equal to interval: no
        // pacing); a paced task that keeps up asks for more. The value Streams would use: it parses it.
        assertEquals(100L, new StreamsConfig(defaults).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));

        Path file = dir.resolve("ingest.yaml");
        Files.writeString(file, "kafka:\n  commit:\n    intervalBehind: 2s\n");
        Properties paced = Ingest.properties(ConfigLoader.load(file, Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092")));
        assertEquals(2000L, new StreamsConfig(paced).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));

        Files.writeString(file, "kafka:\n  streams:\n    commit.interval.ms: \"200\"\n");
        Properties set = Ingest.properties(ConfigLoader.load(file, Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092")));
        assertEquals(200L, new StreamsConfig(set).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
    }

    @Test
    void aSixtyFourMebibyteRecordCacheUnlessTheOperatorSetsOneUnderEitherName(@TempDir Path dir) throws Exception {
        StreamsConfig defaults = new StreamsConfig(Ingest.properties(ConfigLoader.defaults("k:9092")));
        assertEquals(64L * 1024 * 1024, StreamsConfigUtils.totalCacheSize(defaults));

        for (String name : new String[] {"statestore.cache.max.bytes", "cache.max.bytes.buffering"}) {
            Path file = dir.resolve(name + ".yaml");
            Files.writeString(file, "kafka:\n  streams:\n    " + name + ": \"1048576\"\n");
            StreamsConfig set = new StreamsConfig(Ingest.properties(ConfigLoader.load(file,
                    Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092"))));
            assertEquals(1_048_576L, StreamsConfigUtils.totalCacheSize(set), name);
        }
    }

    @Test
    void aTenSecondSessionUnlessTheOperatorSaysOtherwise(@TempDir Path dir) throws Exception {
        StreamsConfig defaults = new StreamsConfig(Ingest.properties(ConfigLoader.defaults("k:9092")));
        assertEquals(10_000, defaults.getMainConsumerConfigs("g", "c", 0).get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));

        Path file = dir.resolve("ingest.yaml");
        Files.writeString(file, "kafka:\n  streams:\n    session.timeout.ms: \"6000\"\n");
        StreamsConfig set = new StreamsConfig(Ingest.properties(ConfigLoader.load(file,
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092"))));
        assertEquals("6000", String.valueOf(set.getMainConsumerConfigs("g", "c", 0)
                .get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)));
    }
}
