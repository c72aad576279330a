package io.chorus.gateway.config;

import java.time.Duration;

/**
 * Client publishes. A retried publish is looked up among the channel's records of the last
 * {@code dedupWindow}; the pod also remembers the ids it saw in a bounded map ({@code localIds}).
 * {@code timeout} bounds the wait for Kafka's acknowledgement.
 */
public record PublishConfig(Duration dedupWindow, int localIds, Duration timeout, int maxInFlight) {
}
