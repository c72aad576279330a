package io.chorus.gateway.config;

import java.time.Duration;

/**
 * Graceful shutdown: on SIGTERM the pod stops admitting, tells every client to reconnect elsewhere,
 * waits for in-flight publishes, and exits within {@code deadline}.
 */
public record DrainConfig(Duration deadline) {
}
