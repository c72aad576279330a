package io.chorus.client;

import io.chorus.schema.ChorusException;

/**
 * Receives one subscription's messages, on the client's delivery thread, in position order, each
 * message once. The first subscribe's outcome goes to {@link Subscription#ready()}; what happens to the
 * subscription afterwards, on re-subscribes after reconnects, comes here.
 */
@FunctionalInterface
public interface MessageListener {

    void onMessage(Message message);

    /**
     * A re-subscribe after a reconnect could not continue from the last delivered position
     * ({@code resumed:false}): messages may have been missed. Delivery continues after
     * {@code newPosition}. {@code reason} is one of {@code out_of_retention}, {@code topic_changed},
     * {@code partitions_changed}, {@code position_ahead} (see PROTOCOL.md).
     */
    default void onContinuityLost(String channel, String reason, String newPosition) {
    }

    /**
     * A re-subscribe after a reconnect was refused (a non-retryable error, or a retryable one that
     * persisted past the retry limit). The subscription is over: no more messages come.
     */
    default void onSubscriptionFailed(String channel, ChorusException error) {
    }
}
