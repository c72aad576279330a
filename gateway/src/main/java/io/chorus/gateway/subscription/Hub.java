package io.chorus.gateway.subscription;

import io.chorus.gateway.feed.FeedListener;
import io.chorus.gateway.feed.FeedMessage;
import java.util.ArrayList;
import java.util.HashMap;
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
 *
 * <p>The interest map is read for each partition batch right after its append (which is all the
 * guarantee needs); the hand-off itself waits for the end of the poll, so each event loop gets one
 * task (one wake-up) per Kafka poll however many partitions the poll returned.
 */
public final class Hub implements FeedListener {

    private final Map<TopicPartition, Map<Shard, AtomicInteger>> interest = new ConcurrentHashMap<>();
    /** The current poll's batches per shard; touched only on the reader's thread. */
    private final Map<Shard, List<List<FeedMessage>>> pending = new HashMap<>();

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
            pending.computeIfAbsent(shard, k -> new ArrayList<>(4)).add(batch);
        }
    }

    @Override
    public void onPollEnd() {
        if (pending.isEmpty()) {
            return;
        }
        for (Map.Entry<Shard, List<List<FeedMessage>>> e : pending.entrySet()) {
            e.getKey().handOff(e.getValue());
        }
        pending.clear();
    }
}
