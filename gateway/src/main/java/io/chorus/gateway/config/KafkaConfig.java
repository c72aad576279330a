package io.chorus.gateway.config;

import java.time.Duration;

/**
 * Where Kafka is. An empty {@code bootstrapServers} starts the embedded single-node broker (dev mode
 * only). {@code createTopics} creates a namespace's missing topic with {@code partitions}; when false,
 * a missing topic is an error ({@code topic_missing}). Kafka is probed every {@code healthInterval}
 * (answer within {@code healthTimeout}) for readiness and the stalled/live notices.
 * {@code clientPropertiesFile}: a Java properties file passed to every Kafka client (SASL, TLS), so
 * credentials live in a mounted secret, never in the YAML or the environment; "" for none.
 */
public record KafkaConfig(String bootstrapServers, EmbeddedKafkaConfig embedded, boolean createTopics,
                          int partitions, short replicationFactor, Duration requestTimeout,
                          Duration metadataMaxAge, Duration healthInterval, Duration healthTimeout,
                          String clientPropertiesFile) {
    public KafkaConfig {
        clientPropertiesFile = clientPropertiesFile == null ? "" : clientPropertiesFile.trim();
    }

    public KafkaConfig withBootstrapServers(String servers) {
        return new KafkaConfig(servers, embedded, createTopics, partitions, replicationFactor, requestTimeout,
                metadataMaxAge, healthInterval, healthTimeout, clientPropertiesFile);
    }

    public KafkaConfig withCreateTopics(boolean create) {
        return new KafkaConfig(bootstrapServers, embedded, create, partitions, replicationFactor, requestTimeout,
                metadataMaxAge, healthInterval, healthTimeout, clientPropertiesFile);
    }

    public boolean embeddedBroker() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }
}
