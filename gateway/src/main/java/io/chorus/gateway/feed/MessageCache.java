package io.chorus.gateway.feed;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The pod's bounded cache of recent messages, filled by the live reader, read by subscriptions and
 * history. Its one invariant: for a channel, every record at or after {@link #coverageStart} that the
 * live reader has read is in the cache. A resume from a position inside that range needs no Kafka read.
 *
 * <p>Bounds: {@code perChannel} messages per channel and {@code maxChannels} channels pod-wide (the
 * least recently written channel goes first). Evicting raises the coverage start, so nothing is ever
 * served with a hole. One lock guards everything; it is held only for in-memory work.
 */
public final class MessageCache {

    private static final class PartitionState {
        long coveredFrom = -1;      // first offset the live reader read; -1 = not started
        long next = -1;             // next offset the live reader will hand over
        long evictionFloor = -1;    // channels without a cache are unknown before this offset
    }

    private static final class ChannelCache {
        final ArrayDeque<FeedMessage> messages = new ArrayDeque<>();
        long coverFrom;

        ChannelCache(long coverFrom) {
            this.coverFrom = coverFrom;
        }
    }

    private record Key(TopicPartition tp, String channel) {
    }

    private final int perChannel;
    private final int maxChannels;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final LinkedHashMap<Key, ChannelCache> channels = new LinkedHashMap<>(1024, 0.75f, true);
    private long evictions;

    public MessageCache(int perChannel, int maxChannels) {
        this.perChannel = perChannel;
        this.maxChannels = maxChannels;
    }

    /** The live reader starts (or restarts) reading {@code tp} at {@code offset}: older content is unknown. */
    public synchronized void start(TopicPartition tp, long offset) {
        PartitionState p = partitions.computeIfAbsent(tp, k -> new PartitionState());
        p.coveredFrom = offset;
        p.next = offset;
        p.evictionFloor = offset;
        channels.keySet().removeIf(k -> k.tp.equals(tp));
    }

    /** Forgets a partition the pod no longer reads. */
    public synchronized void stop(TopicPartition tp) {
        partitions.remove(tp);
        channels.keySet().removeIf(k -> k.tp.equals(tp));
    }

    public synchronized boolean started(TopicPartition tp) {
        PartitionState p = partitions.get(tp);
        return p != null && p.coveredFrom >= 0;
    }

    /** The next offset the live reader will hand over; -1 if the partition is not read. */
    public synchronized long next(TopicPartition tp) {
        PartitionState p = partitions.get(tp);
        return p == null ? -1 : p.next;
    }

    /** Appends a batch read by the live reader; {@code nextOffset} is the reader's position after it. */
    public synchronized void append(TopicPartition tp, List<FeedMessage> batch, long nextOffset) {
        PartitionState p = partitions.get(tp);
        if (p == null || p.coveredFrom < 0) {
            return;
        }
        for (FeedMessage m : batch) {
            Key key = new Key(tp, m.channel());
            ChannelCache c = channels.get(key);
            if (c == null) {
                c = new ChannelCache(Math.max(p.coveredFrom, p.evictionFloor));
                channels.put(key, c);
                trimChannels();
            }
            c.messages.addLast(m);
            if (c.messages.size() > perChannel) {
                c.coverFrom = c.messages.removeFirst().offset() + 1;
            }
            // Kept current per message: an eviction later in this batch must cover what came before.
            p.next = Math.max(p.next, m.offset() + 1);
        }
        p.next = Math.max(p.next, nextOffset);
    }

    /** The first offset from which this channel's records are all in the cache; -1 if not read live. */
    public synchronized long coverageStart(TopicPartition tp, String channel) {
        PartitionState p = partitions.get(tp);
        if (p == null || p.coveredFrom < 0) {
            return -1;
        }
        ChannelCache c = channels.get(new Key(tp, channel));
        return c != null ? c.coverFrom : Math.max(p.coveredFrom, p.evictionFloor);
    }

    /**
     * The channel's cached messages after {@code afterOffset}, oldest first; null when the cache does
     * not cover {@code afterOffset + 1} (the caller must read Kafka).
     */
    public synchronized List<FeedMessage> after(TopicPartition tp, String channel, long afterOffset) {
        long start = coverageStart(tp, channel);
        if (start < 0 || afterOffset + 1 < start) {
            return null;
        }
        ChannelCache c = channels.get(new Key(tp, channel));
        List<FeedMessage> out = new ArrayList<>();
        if (c != null) {
            for (FeedMessage m : c.messages) {
                if (m.offset() > afterOffset) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /**
     * Up to {@code n} of the channel's newest messages before {@code beforeOffset}, oldest first, or
     * null when the cache cannot tell (fewer cached and older ones may exist).
     */
    public synchronized List<FeedMessage> latest(TopicPartition tp, String channel, long beforeOffset, int n,
                                                 long firstOffsetInKafka) {
        long start = coverageStart(tp, channel);
        if (start < 0) {
            return null;
        }
        ChannelCache c = channels.get(new Key(tp, channel));
        ArrayDeque<FeedMessage> picked = new ArrayDeque<>();
        if (c != null) {
            for (Iterator<FeedMessage> it = c.messages.descendingIterator(); it.hasNext() && picked.size() < n; ) {
                FeedMessage m = it.next();
                if (m.offset() < beforeOffset) {
                    picked.addFirst(m);
                }
            }
        }
        return picked.size() == n || start <= firstOffsetInKafka ? new ArrayList<>(picked) : null;
    }

    public synchronized int channelCount() {
        return channels.size();
    }

    public synchronized long evictions() {
        return evictions;
    }

    private void trimChannels() {
        Iterator<Map.Entry<Key, ChannelCache>> it = channels.entrySet().iterator();
        while (channels.size() > maxChannels && it.hasNext()) {
            Map.Entry<Key, ChannelCache> eldest = it.next();
            PartitionState p = partitions.get(eldest.getKey().tp);
            if (p != null) {
                p.evictionFloor = Math.max(p.evictionFloor, p.next);
            }
            it.remove();
            evictions++;
        }
    }
}
