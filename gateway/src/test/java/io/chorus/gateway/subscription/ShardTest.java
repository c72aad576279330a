package io.chorus.gateway.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chorus.gateway.config.Partitioner;
import io.chorus.gateway.feed.FeedMessage;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.chorus.schema.ChannelName;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The live fan-out of one event loop: each subscriber gets its channel's messages in order, one
 * subscriber after another, and a large fan-out lets its parts leave as they are done.
 */
class ShardTest {

    /** A subscriber's socket: what it was sent, and what it held at each part flush. */
    static final class Recorder implements MessageSink {
        final List<Long> got = new ArrayList<>();

        @Override
        public void send(FeedMessage m) {
            got.add(m.offset());
        }

        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public void onWritable(Runnable action) {
        }

        @Override
        public void overflow() {
        }
    }

    static FeedMessage message(String channel, long offset) {
        return new FeedMessage(channel, 0, offset, "p" + offset, "id" + offset, 0, Buffer.buffer("{}"));
    }

    private final List<Recorder> a = new ArrayList<>();
    private final List<Recorder> b = new ArrayList<>();
    private final List<int[]> atPartFlush = new ArrayList<>();
    private final Shard shard = new Shard(null, new GatewayMetrics(), Clock.systemUTC());

    ShardTest() {
        for (int i = 0; i < 2 * Shard.PART + 100; i++) {
            a.add(subscribe("ev:a"));
        }
        for (int i = 0; i < 3; i++) {
            b.add(subscribe("ev:b"));
        }
        // At each part flush: how many of channel a's subscribers already hold all three messages.
        shard.flushWith(() -> { }, () -> atPartFlush.add(new int[] {
                (int) a.stream().filter(r -> r.got.size() == 3).count(),
                (int) a.stream().filter(r -> r.got.isEmpty()).count()}));
    }

    private Recorder subscribe(String channel) {
        Recorder r = new Recorder();
        Subscription s = new Subscription(ChannelName.parse(channel), r, Partitioner.MURMUR2);
        s.state = Subscription.State.LIVE;
        shard.add(s);
        return r;
    }

    private static List<List<FeedMessage>> poll() {
        // One partition's batch with both channels interleaved, and a channel nobody here follows.
        return List.of(List.of(message("ev:a", 10), message("ev:b", 11), message("ev:a", 12),
                message("ev:c", 13), message("ev:b", 14), message("ev:a", 15)));
    }

    @Test
    void everySubscriberGetsItsChannelInOrderAndLargeFanOutsLeaveInParts() {
        shard.deliver(poll());
        for (Recorder r : a) {
            assertEquals(List.of(10L, 12L, 15L), r.got);
        }
        for (Recorder r : b) {
            assertEquals(List.of(11L, 14L), r.got);
        }
        // 1,124 subscribers of a: a part flush after 512 and after 1,024, each with every socket
        // before it complete and every socket after it untouched.
        assertEquals(2, atPartFlush.size());
        assertEquals(Shard.PART, atPartFlush.get(0)[0]);
        assertEquals(a.size() - Shard.PART, atPartFlush.get(0)[1]);
        assertEquals(2 * Shard.PART, atPartFlush.get(1)[0]);
        assertEquals(a.size() - 2 * Shard.PART, atPartFlush.get(1)[1]);
        // Delivered again (a duplicate poll), nothing is doubled.
        shard.deliver(poll());
        assertEquals(List.of(10L, 12L, 15L), a.get(0).got);
    }

    @Test
    void whenHandOffsAreQueuedBehindTheFanOutWaitsForTheSharedFlush() {
        shard.queued.incrementAndGet();
        shard.deliver(poll());
        assertEquals(0, atPartFlush.size());
        assertEquals(List.of(10L, 12L, 15L), a.get(a.size() - 1).got);
    }
}
