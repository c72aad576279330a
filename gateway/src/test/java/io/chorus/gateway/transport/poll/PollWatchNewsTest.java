package io.chorus.gateway.transport.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.gateway.session.Out;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which first frames of a poll's watches answer it ({@link WatchNews}), and the parameters that say so. */
class PollWatchNewsTest {

    private static final String D1 = "00000000000000a1";
    private static final String D2 = "00000000000000b2";
    private final AtomicInteger staleMembers = new AtomicInteger();
    private final AtomicInteger staleCounts = new AtomicInteger();

    private static Buffer sync(String channel, String digest) {
        return Buffer.buffer("{\"type\":\"presence_sync\",\"channel\":\"" + channel + "\",\"digest\":\"" + digest
                + "\",\"members\":[{\"clientId\":\"x\",\"data\":{\"digest\":\"no\"},\"updatedAt\":1}],\"count\":1,"
                + "\"complete\":true}");
    }

    private static Buffer counts(String channel, int subscribers, int members) {
        return Buffer.buffer("{\"type\":\"occupancy\",\"channel\":\"" + channel + "\",\"subscribers\":" + subscribers
                + ",\"members\":" + members + "}");
    }

    private WatchNews news(Map<String, String> members, Map<String, String> counts) {
        return new WatchNews(Set.of("a", "b"), Set.of("a"), members, counts, staleMembers::incrementAndGet,
                staleCounts::incrementAndGet);
    }

    @Test
    void withoutWhatTheClientSawTheFirstFramesRideAlongAndLaterOnesAnswer() {
        WatchNews n = news(null, null);
        assertFalse(n.isNews(Out.PRESENCE_SYNC, sync("a", D1)));
        assertFalse(n.isNews(Out.PRESENCE_SYNC, sync("b", D1)));
        assertFalse(n.isNews(Out.OCCUPANCY, counts("a", 1, 0)));
        assertTrue(n.isNews(Out.PRESENCE_SYNC, sync("a", D1)), "a second sync of a: the list moved");
        assertFalse(n.isNews(Out.OCCUPANCY, counts("a", 2, 0)), "the poll's own subscription reached the counts");
        assertTrue(n.isNews(Out.OCCUPANCY, counts("a", 3, 0)), "one more than the poll");
        assertTrue(n.isNews(Out.OCCUPANCY, counts("a", 1, 1)), "a member entered");
        assertEquals(0, staleMembers.get() + staleCounts.get());
    }

    /** Per channel, not per count: a later sync of one watch before the first of another is news. */
    @Test
    void aLaterFrameOfOneWatchBeforeTheFirstOfAnotherIsNews() {
        WatchNews n = news(null, null);
        assertFalse(n.isNews(Out.PRESENCE_SYNC, sync("a", D1)));
        assertTrue(n.isNews(Out.PRESENCE_SYNC, sync("a", D2)));
        assertFalse(n.isNews(Out.PRESENCE_SYNC, sync("b", D1)));
    }

    @Test
    void aFirstFrameAnswersOnlyWhenItDiffersFromWhatTheClientSaw() {
        WatchNews n = news(Map.of("a", D1, "b", D2), Map.of("a", "3:1", "b", ""));
        assertFalse(n.isNews(Out.PRESENCE_SYNC, sync("a", D1)));
        assertTrue(n.isNews(Out.PRESENCE_SYNC, sync("b", D1)));
        assertFalse(n.isNews(Out.OCCUPANCY, counts("a", 3, 1)));
        assertEquals(1, staleMembers.get());
        assertEquals(0, staleCounts.get());

        WatchNews m = news(Map.of("a", "", "b", "capped"), Map.of("a", "3:2"));
        assertTrue(m.isNews(Out.PRESENCE_SYNC, sync("a", D1)), "nothing seen yet: the list is news");
        assertFalse(m.isNews(Out.PRESENCE_SYNC, sync("b", "capped")), "still over the cap: nothing to tell");
        assertTrue(m.isNews(Out.OCCUPANCY, counts("a", 3, 1)));
        assertEquals(1, staleCounts.get());
    }

    /** The poll itself may or may not be counted in either: one subscriber either way is not news. */
    @Test
    void countsWithinThePollsOwnSubscriptionAreTheSame() {
        String[][] cases = {{"3", "1", "false"}, {"4", "1", "false"}, {"5", "1", "false"}, {"2", "1", "true"},
            {"6", "1", "true"}, {"4", "2", "true"}, {"4", "0", "true"}};
        for (String[] c : cases) {
            WatchNews n = news(null, Map.of("a", "4:1"));
            assertEquals(Boolean.parseBoolean(c[2]), n.isNews(Out.OCCUPANCY,
                    counts("a", Integer.parseInt(c[0]), Integer.parseInt(c[1]))), "saw 4:1, now " + c[0] + ":" + c[1]);
        }
    }

    private static MultiMap query(String... pairs) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < pairs.length; i += 2) {
            m.add(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    void theSeenParametersHaveOneEntryPerChannelInOrder() {
        SeenParams none = SeenParams.parse(query("channel", "a", "channel", "b"));
        assertNull(none.presence());
        assertNull(none.occupancy());
        SeenParams p = SeenParams.parse(query("channel", "a", "channel", "b", "presenceSeen", "," + D2,
                "occupancySeen", "12:0,"));
        assertEquals(Map.of("a", "", "b", D2), SeenParams.byChannel(p.presence(),
                List.of(ChannelName.parse("a"), ChannelName.parse("b"))));
        assertEquals(List.of("12:0", ""), p.occupancy());
    }

    @Test
    void badSeenParametersAreInvalidField() {
        String[][] bad = {
            {"presenceSeen", D1},                       // one entry for two channels
            {"presenceSeen", D1 + "," + D1 + "," + D1}, // three
            {"presenceSeen", D1 + ",XYZ"},              // not a digest
            {"presenceSeen", D1 + "," + D1.toUpperCase().replace('A', 'F') + "F"},
            {"presenceSeen", ",".repeat(5000)},         // longer than two entries can be
            {"occupancySeen", "1:2,3"},
            {"occupancySeen", "1:2,-1:0"},
            {"occupancySeen", "1:2,01:0"},
            {"occupancySeen", "1:2,12345678901:0"},
        };
        for (String[] b : bad) {
            ChorusException e = assertThrows(ChorusException.class,
                    () -> SeenParams.parse(query("channel", "a", "channel", "b", b[0], b[1])), b[1]);
            assertEquals(ErrorCode.INVALID_FIELD, e.code(), b[1]);
        }
        ChorusException twice = assertThrows(ChorusException.class, () -> SeenParams.parse(query("channel", "a",
                "presenceSeen", D1, "presenceSeen", D2)));
        assertEquals(ErrorCode.INVALID_FIELD, twice.code());
    }
}
