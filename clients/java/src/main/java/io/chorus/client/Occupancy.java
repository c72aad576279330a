package io.chorus.client;

/**
 * How many are on a channel, across every gateway pod. Counts lag changes by up to the gateway's
 * {@code presence.flushInterval} plus Kafka's latency.
 *
 * @param channel     the channel
 * @param subscribers subscriptions to the channel (WebSocket, SSE, waiting long-polls)
 * @param members     presence members
 */
public record Occupancy(String channel, long subscribers, long members) {
}
