package io.chorus.ingest.config;

import java.util.Map;

/**
 * Where Kafka is and how the Streams application runs. {@code createTopics} (dev) creates missing
 * command and output topics with {@code partitions} and {@code replicationFactor}; {@code streams}
 * passes any further Kafka Streams property through unchanged (e.g. {@code statestore.cache.max.bytes});
 * {@code commit} paces the transactions ({@link CommitConfig}).
 */
public record KafkaConfig(String bootstrapServers, String applicationId, String stateDir, int threads,
                          boolean createTopics, int partitions, short replicationFactor,
                          CommitConfig commit, Map<String, String> streams) {

    public KafkaConfig withBootstrapServers(String servers) {
        return new KafkaConfig(servers, applicationId, stateDir, threads, createTopics, partitions,
                replicationFactor, commit, streams);
    }

    public KafkaConfig withStateDir(String dir) {
        return new KafkaConfig(bootstrapServers, applicationId, dir, threads, createTopics, partitions,
                replicationFactor, commit, streams);
    }

    public KafkaConfig withApplicationId(String id) {
        return new KafkaConfig(bootstrapServers, id, stateDir, threads, createTopics, partitions,
                replicationFactor, commit, streams);
    }

    public KafkaConfig withCommit(CommitConfig c) {
        return new KafkaConfig(bootstrapServers, applicationId, stateDir, threads, createTopics, partitions,
                replicationFactor, c, streams);
    }

    public KafkaConfig withCreateTopics(boolean create) {
        return new KafkaConfig(bootstrapServers, applicationId, stateDir, threads, create, partitions,
                replicationFactor, commit, streams);
    }
}
