package io.chorus.gateway.config;

import java.time.Duration;

/**
 * Where Kafka is. An empty {@code bootstrapServers} starts the embedded single-node broker (dev mode
 * only). {@code createTopics} creates a namespace's missing topic with {@code partitions}; when false,
 * a missing topic is an error ({@code topic_missing}).
 */
public record KafkaConfig(String bootstrapServers, EmbeddedKafkaConfig embedded, boolean createTopics,
                          int partitions, short replicationFactor, Duration requestTimeout,
                          Duration metadataMaxAge) {
    public KafkaConfig withBootstrapServers(String servers) {
        return new KafkaConfig(servers, embedded, createTopics, partitions, replicationFactor, requestTimeout,
                metadataMaxAge);
    }

    public boolean embeddedBroker() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }
}
