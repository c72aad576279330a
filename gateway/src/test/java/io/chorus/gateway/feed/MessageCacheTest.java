package io.chorus.gateway.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class MessageCacheTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

    private static FeedMessage m(String channel, long offset) {
        return new FeedMessage(channel, 0, offset, "p" + offset, "id" + offset, 0, Buffer.buffer("{}"));
    }

    @Test
    void nothingIsCoveredBeforeTheLiveReaderStarts() {
        MessageCache cache = new MessageCache(10, 10);
        assertEquals(-1, cache.coverageStart(TP, "a"));
        assertNull(cache.after(TP, "a", 5));
    }

    @Test
    void aChannelIsCoveredFromWhereLiveReadingStartedAndServesEverythingAfterAPosition() {
        MessageCache cache = new MessageCache(10, 10);
        cache.start(TP, 100);
        cache.append(TP, List.of(m("a", 100), m("b", 101), m("a", 102)), 103);
        assertEquals(100, cache.coverageStart(TP, "a"));
        assertEquals(List.of(102L), cache.after(TP, "a", 100).stream().map(FeedMessage::offset).toList());
        assertEquals(2, cache.after(TP, "a", 99).size());
        assertNull(cache.after(TP, "a", 98), "offset 99 was never read live: the cache cannot vouch for it");
        assertEquals(103, cache.next(TP));
        assertEquals(100, cache.coverageStart(TP, "never-seen"), "no record of it since live reading started");
    }

    @Test
    void evictingOldMessagesOfAChannelRaisesItsCoverageSoNoHoleIsServed() {
        MessageCache cache = new MessageCache(2, 10);
        cache.start(TP, 0);
        cache.append(TP, List.of(m("a", 0), m("a", 1), m("a", 2), m("b", 3)), 4);
        assertEquals(1, cache.coverageStart(TP, "a"));
        assertNull(cache.after(TP, "a", -1));
        assertEquals(2, cache.after(TP, "a", 0).size());
    }

    @Test
    void evictingAWholeChannelRaisesTheFloorForChannelsWithoutACache() {
        MessageCache cache = new MessageCache(5, 2);
        cache.start(TP, 0);
        cache.append(TP, List.of(m("a", 0), m("b", 1)), 2);
        cache.append(TP, List.of(m("c", 2)), 3);
        assertEquals(2, cache.channelCount());
        assertEquals(1, cache.evictions());
        assertEquals(2, cache.coverageStart(TP, "a"), "a's records before offset 2 are gone");
        assertNull(cache.after(TP, "a", -1));
        assertTrue(cache.after(TP, "a", 1).isEmpty());
    }

    @Test
    void latestReturnsTheNewestMessagesOrNullWhenTheCacheCannotTell() {
        MessageCache cache = new MessageCache(5, 10);
        cache.start(TP, 10);
        cache.append(TP, List.of(m("a", 10), m("a", 11), m("a", 12)), 13);
        assertEquals(List.of(11L, 12L), cache.latest(TP, "a", 13, 2, Long.MIN_VALUE).stream()
                .map(FeedMessage::offset).toList());
        assertNull(cache.latest(TP, "a", 13, 5, Long.MIN_VALUE), "older ones may be in Kafka");
        assertEquals(3, cache.latest(TP, "a", 13, 5, 10).size(), "the log starts where the cache does");
    }
}
