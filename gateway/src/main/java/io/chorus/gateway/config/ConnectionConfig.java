package io.chorus.gateway.config;

import java.time.Duration;

/**
 * Per-connection protocol settings and limits. {@code outboundBufferBytes}: bytes queued for a socket
 * beyond which a live subscriber counts as too slow and is closed with {@code slow_consumer} (it
 * resumes from its position); catch-up steps wait for the queue to drain instead. {@code writeDelay}: how
 * long a streaming socket's writes may wait to leave together (0: at the end of the batch; see
 * {@code transport.Flusher}).
 */
public record ConnectionConfig(Duration heartbeat, Duration idleTimeout, int maxSubscriptions, int maxRewind,
                               int outboundBufferBytes, Duration writeDelay) {

    /** The largest {@code writeDelay} accepted: beyond it, the delay would be most of a latency budget. */
    public static final Duration MAX_WRITE_DELAY = Duration.ofMillis(1000);
}
