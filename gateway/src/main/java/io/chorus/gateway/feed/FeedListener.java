package io.chorus.gateway.feed;

import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * Receives each batch the live reader appended to the cache, on the reader's thread; must not block.
 * {@link #onPollEnd} follows the last batch of one Kafka poll, so a listener may gather the poll's
 * batches and hand them on once.
 */
public interface FeedListener {

    void onBatch(TopicPartition tp, List<FeedMessage> batch);

    default void onPollEnd() {
    }
}
