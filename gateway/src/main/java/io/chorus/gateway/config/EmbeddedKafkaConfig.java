package io.chorus.gateway.config;

/** The dev-mode broker: a KRaft combined broker/controller on 127.0.0.1, data under {@code dataDir}. */
public record EmbeddedKafkaConfig(String dataDir, int port, int controllerPort) {
}
