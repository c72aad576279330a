package io.chorus.gateway.config;

import java.time.Duration;

/**
 * Where Kafka is. An empty {@code bootstrapServers} starts the embedded single-node broker (dev mode
 * only). {@code createTopics} creates a namespace's missing topic with {@code partitions}; when false,
 * a missing topic is an error ({@code topic_missing}). Kafka is probed every {@code healthInterval}
 * (answer within {@code healthTimeout}) for readiness and the stalled/live notices.
 */
public record KafkaConfig(String bootstrapServers, EmbeddedKafkaConfig embedded, boolean createTopics,
                          int partitions, short replicationFactor, Duration requestTimeout,
                          Duration metadataMaxAge, Duration healthInterval, Duration healthTimeout) {
    public KafkaConfig withBootstrapServers(String servers) {
        return new KafkaConfig(servers, embedded, createTopics, partitions, replicationFactor, requestTimeout,
                metadataMaxAge, healthInterval, healthTimeout);
    }

    public KafkaConfig withCreateTopics(boolean create) {
        return new KafkaConfig(bootstrapServers, embedded, create, partitions, replicationFactor, requestTimeout,
                metadataMaxAge, healthInterval, healthTimeout);
    }

    public boolean embeddedBroker() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }
}
