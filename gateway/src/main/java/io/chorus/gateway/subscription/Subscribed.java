package io.chorus.gateway.subscription;

/**
 * The answer to a subscribe: delivery starts after {@code position}. {@code resumed} is null for
 * live and rewind subscriptions; false comes with a {@code reason} (see PROTOCOL.md).
 */
public record Subscribed(String position, Boolean resumed, String reason) {
}
