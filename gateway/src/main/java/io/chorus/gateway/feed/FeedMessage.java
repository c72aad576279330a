package io.chorus.gateway.feed;

import io.vertx.core.buffer.Buffer;

/**
 * One record of a channel, encoded once: {@code frame} is the complete {@code message} JSON object
 * that every subscriber on every transport receives, byte for byte.
 */
public record FeedMessage(String channel, int partition, long offset, String position, String id, long timestamp,
                          Buffer frame) {
}
