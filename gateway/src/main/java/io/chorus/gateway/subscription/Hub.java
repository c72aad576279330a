package io.chorus.gateway.subscription;

import io.chorus.gateway.feed.FeedListener;
import io.chorus.gateway.feed.FeedMessage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * Routes the live reader's batches to the shards (event loops) that have subscribers on the
 * partition. A shard registers its interest before its subscription reads the cache; the reader
 * appends to the cache before it reads the interest map. Together these guarantee that a record is
 * either in the cache the subscription read, or in a batch dispatched to its shard afterwards.
 */
public final class Hub implements FeedListener {

    private final Map<TopicPartition, Map<Shard, AtomicInteger>> interest = new ConcurrentHashMap<>();

    void interested(TopicPartition tp, Shard shard) {
        interest.computeIfAbsent(tp, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(shard, k -> new AtomicInteger()).incrementAndGet();
    }

    void notInterested(TopicPartition tp, Shard shard) {
        interest.computeIfPresent(tp, (k, shards) -> {
            shards.computeIfPresent(shard, (s, n) -> n.decrementAndGet() <= 0 ? null : n);
            return shards.isEmpty() ? null : shards;
        });
    }

    @Override
    public void onBatch(TopicPartition tp, List<FeedMessage> batch) {
        Map<Shard, AtomicInteger> shards = interest.get(tp);
        if (shards == null) {
            return;
        }
        for (Shard shard : shards.keySet()) {
            shard.context().runOnContext(v -> shard.deliver(batch));
        }
    }
}
