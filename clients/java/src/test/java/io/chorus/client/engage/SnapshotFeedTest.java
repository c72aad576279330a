package io.chorus.client.engage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Snapshot feeds: rewind 1, the highest seq wins, unreadable snapshots are reported and skipped, feeds are bounded. */
class SnapshotFeedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHANNEL = "engage:ABC234:a:q1";

    private final FakeTransport gateway = new FakeTransport();
    private final List<Throwable> errors = new ArrayList<>();
    private final Host host = new Host("ABC234", "h-1", "token", gateway, null,
            new Commands.Limits(Duration.ofSeconds(5), 10, 10, 4096, 100), new ManualTimeouts(), 2);

    {
        host.addErrorListener(errors::add);
    }

    private static JsonNode poll(long seq, long a, long b) {
        try {
            return JSON.readTree("{\"type\":\"activity\",\"seq\":" + seq + ",\"id\":\"q1\",\"kind\":\"choice\","
                    + "\"title\":\"Q\",\"state\":\"open\",\"round\":1,\"openedAt\":5,\"responses\":" + (a + b)
                    + ",\"options\":[],\"results\":{\"counts\":{\"a\":" + a + ",\"b\":" + b + "}}}");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFeedStartsFromTheLatestSnapshotAndNeverGoesBackInTime() throws Exception {
        SnapshotFeed<ActivitySnapshot> feed = host.activityFeed("q1");
        assertEquals(1, gateway.rewinds.get(CHANNEL));
        List<Long> seen = new ArrayList<>();
        feed.onChange(s -> seen.add(s.seq()));
        gateway.deliver(CHANNEL, poll(3, 1, 0));
        gateway.deliver(CHANNEL, poll(2, 0, 0));
        gateway.deliver(CHANNEL, poll(3, 9, 9));
        gateway.deliver(CHANNEL, poll(4, 1, 1));
        assertEquals(List.of(3L, 4L), seen);
        ActivitySnapshot latest = feed.latest().orElseThrow();
        assertEquals(Map.of("a", 1L, "b", 1L), latest.results().counts());
        assertEquals(ActivityState.OPEN, latest.state());
        assertEquals(ActivityKind.CHOICE, latest.kind());
        assertEquals(2, latest.responses());
        assertEquals(3, feed.first().get().seq());
        assertTrue(errors.isEmpty(), errors::toString);
    }

    @Test
    void anUnreadableSnapshotIsReportedAndTheLastGoodOneStays() throws Exception {
        SnapshotFeed<ActivitySnapshot> feed = host.activityFeed("q1");
        gateway.deliver(CHANNEL, poll(3, 1, 0));
        gateway.deliver(CHANNEL, JSON.readTree("{\"type\":\"activity\",\"seq\":9,\"id\":\"q1\",\"kind\":\"poker\",\"state\":\"open\"}"));
        gateway.deliver(CHANNEL, JSON.readTree("{\"type\":\"activity\",\"id\":\"q1\"}"));
        gateway.deliver(CHANNEL, JSON.readTree("\"text\""));
        assertEquals(3, feed.latest().orElseThrow().seq());
        assertEquals(3, errors.size());
        assertEquals(EngageErrorCode.UNEXPECTED, assertInstanceOf(EngageException.class, errors.get(0)).code());
    }

    @Test
    void theEventFeedReadsTheEventSnapshot() throws Exception {
        SnapshotFeed<EventSnapshot> feed = host.eventFeed();
        assertTrue(host.eventFeed() == feed, "one feed per channel");
        gateway.deliver("engage:ABC234", JSON.readTree("""
                {"type":"event","seq":7,"code":"ABC234","title":"T","createdAt":1,"current":"q1",
                 "activities":[{"id":"q1","kind":"rating","title":"R","state":"results","round":2}],"participants":3}"""));
        EventSnapshot e = feed.latest().orElseThrow();
        assertEquals("q1", e.current());
        assertEquals(new EventSnapshot.Activity("q1", ActivityKind.RATING, "R", ActivityState.RESULTS, 2),
                e.activities().get(0));
        assertEquals(3, e.participants());
    }

    @Test
    void openFeedsAreBoundedAndClosingOneFreesItsPlace() {
        SnapshotFeed<ActivitySnapshot> one = host.activityFeed("q1");
        host.activityFeed("q2");
        EngageException e = assertThrows(EngageException.class, () -> host.activityFeed("q3"));
        assertEquals(EngageErrorCode.LIMIT_REACHED, e.code());
        one.close();
        assertTrue(gateway.cancelled.contains(CHANNEL));
        host.activityFeed("q3");
    }

    @Test
    void latestReadsTheNewestSnapshotFromHistory() throws Exception {
        assertEquals(Optional.empty(), host.latest("q1").get());
        gateway.history.put(CHANNEL, List.of(poll(12, 4, 5)));
        ActivitySnapshot s = host.latest("q1").get().orElseThrow();
        assertEquals(12, s.seq());
        assertEquals(Map.of("a", 4L, "b", 5L), s.results().counts());
        assertNull(s.results().ratings());
    }

    @Test
    void ratingsRankingAndWordsAreTyped() throws Exception {
        ActivitySnapshot s = SnapshotReader.activity(JSON.readTree("""
                {"type":"activity","seq":1,"id":"r","kind":"rating","title":"R","state":"closed","round":1,
                 "results":{"ratings":{"histogram":{"1":2,"5":1},"count":3,"mean":2.33},
                 "ranking":[{"id":"a","points":4}],"words":[{"word":"kafka","count":2}],
                 "texts":[{"text":"hi","at":9}],"leaderboard":[{"participant":"p-1","name":"Ada","score":900}]}}"""));
        assertEquals(Map.of(1, 2L, 5, 1L), s.results().ratings().histogram());
        assertEquals(new Results.Ranked("a", 4), s.results().ranking().get(0));
        assertEquals(new Results.WordCount("kafka", 2), s.results().words().get(0));
        assertEquals(new Results.TextAnswer("hi", 9), s.results().texts().get(0));
        assertEquals(new Results.Score("p-1", "Ada", 900), s.results().leaderboard().get(0));
    }
}
