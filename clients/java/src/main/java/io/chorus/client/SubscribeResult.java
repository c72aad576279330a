package io.chorus.client;

/**
 * The server's answer to the first subscribe of a {@link Subscription}.
 *
 * @param channel  the channel
 * @param position where delivery starts: every message after it follows, in order
 * @param resumed  true when a {@code since} request continues with no gap; false for live and rewind
 *                 subscriptions, and when a {@code since} could not continue (then {@code reason} says why)
 * @param reason   null, or why a {@code since} could not continue: {@code out_of_retention},
 *                 {@code topic_changed}, {@code partitions_changed}, {@code position_ahead}
 */
public record SubscribeResult(String channel, String position, boolean resumed, String reason) {
}
