package io.chorus.gateway.config;

import java.time.Duration;

/** Per-connection protocol settings and limits. */
public record ConnectionConfig(Duration heartbeat, Duration idleTimeout, int maxSubscriptions, int maxRewind) {
}
