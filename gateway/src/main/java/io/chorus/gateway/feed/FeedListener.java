package io.chorus.gateway.feed;

import java.util.List;
import org.apache.kafka.common.TopicPartition;

/** Receives each batch the live reader appended to the cache, on the reader's thread; must not block. */
@FunctionalInterface
public interface FeedListener {
    void onBatch(TopicPartition tp, List<FeedMessage> batch);
}
