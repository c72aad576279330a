package io.chorus.gateway.feed;

import org.apache.kafka.common.TopicPartition;

/**
 * A read of one channel's records from Kafka, on {@code partition} (where the channel's namespace puts
 * it; the caller knows the namespace's partitioner, the reader does not). Forward: offsets from {@code fromOffset} up to (not
 * including) {@code untilOffset}, or the end of the partition when that is {@code Long.MAX_VALUE}.
 * Backward: the newest records before {@code untilOffset}. At most {@code limit} messages.
 */
public record ScanRequest(TopicInfo topic, String channel, int partition, long fromOffset, long untilOffset,
                          int limit) {

    TopicPartition topicPartition() {
        return new TopicPartition(topic.name(), partition);
    }
}
