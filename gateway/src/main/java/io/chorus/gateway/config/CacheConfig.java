package io.chorus.gateway.config;

/**
 * The pod's recent-message cache: at most {@code messagesPerChannel} per channel and
 * {@code maxChannels} channels (least recently written evicted first).
 */
public record CacheConfig(int messagesPerChannel, int maxChannels) {
}
