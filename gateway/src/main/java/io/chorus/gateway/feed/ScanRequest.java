package io.chorus.gateway.feed;

/**
 * A read of one channel's records from Kafka. Forward: offsets from {@code fromOffset} up to (not
 * including) {@code untilOffset}, or the end of the partition when that is {@code Long.MAX_VALUE}.
 * Backward: the newest records before {@code untilOffset}. At most {@code limit} messages.
 */
public record ScanRequest(TopicInfo topic, String channel, long fromOffset, long untilOffset, int limit) {
}
