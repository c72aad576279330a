package io.chorus.gateway.config;

import java.time.Duration;

/**
 * Per-connection protocol settings and limits. {@code outboundBufferBytes}: bytes queued for a socket
 * beyond which a live subscriber counts as too slow and is closed with {@code slow_consumer} (it
 * resumes from its position); catch-up steps wait for the queue to drain instead.
 */
public record ConnectionConfig(Duration heartbeat, Duration idleTimeout, int maxSubscriptions, int maxRewind,
                               int outboundBufferBytes) {
}
