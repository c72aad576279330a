package io.chorus.bench.engage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreshnessTest {

    private static final long MS = 1_000_000;

    @Test
    void eachVoteIsPlacedInTheFirstSnapshotWhoseProgressReachesItsRankByOffset() {
        // Three votes acked at offsets 30, 10, 20 (so ranks 3, 1, 2), sent at 5, 1 and 2 ms.
        long[] offsets = {30, 10, 20};
        long[] sent = {5 * MS, 1 * MS, 2 * MS};
        boolean[] measured = {true, true, true};
        // Snapshots: progress 1 at 10 ms, 2 at 20 ms, 3 at 40 ms.
        Freshness.Result r = Freshness.compute(offsets, sent, measured, List.of(10 * MS, 20 * MS, 40 * MS),
                List.of(1L, 2L, 3L));
        assertEquals(3, r.measured());
        assertEquals(0, r.neverShown());
        // Rank 1 (sent 1 ms) shown at 10 ms: 9 ms; rank 2 (2 ms) at 20 ms: 18 ms; rank 3 (5 ms) at 40: 35.
        assertEquals(9_000, r.micros().getMinValue(), 10);
        assertEquals(35_000, r.micros().getMaxValue(), 40);
        assertEquals(3, r.micros().getTotalCount());
    }

    @Test
    void aSnapshotThatSkipsProgressShowsEveryVoteUpToItAndUnmeasuredVotesStillTakeTheirRank() {
        long[] offsets = {1, 2, 3, 4};
        long[] sent = {0, 0, 0, 7 * MS};
        boolean[] measured = {false, false, false, true};
        Freshness.Result r = Freshness.compute(offsets, sent, measured, List.of(5 * MS, 50 * MS),
                List.of(3L, 4L));
        assertEquals(1, r.measured());
        assertEquals(43_000, r.micros().getMaxValue(), 50);
    }

    @Test
    void votesBeyondTheLastSnapshotAreCountedAsNeverShownAndFallingProgressIsCounted() {
        Freshness.Result r = Freshness.compute(new long[] {1, 2}, new long[] {0, 0}, new boolean[] {true, true},
                List.of(MS, 2 * MS), List.of(1L, 0L));
        assertEquals(1, r.neverShown());
        assertEquals(1, r.regressions());
    }

    @Test
    void votesAreAlsoBucketedBySecondOfSendingFromTheFirstMeasuredOne() {
        long s = 1_000 * MS;
        // Sent at 1 s, 1.5 s and 3.2 s (the first measured at 1 s): seconds 0, 0 and 2, none in second 1.
        long[] offsets = {1, 2, 3};
        long[] sent = {s, s + 500 * MS, 3 * s + 200 * MS};
        Freshness.Result r = Freshness.compute(offsets, sent, new boolean[] {true, true, true},
                List.of(s + 10 * MS, s + 520 * MS, 3 * s + 300 * MS), List.of(1L, 2L, 3L));
        assertEquals(3, r.perSecond().size());
        assertEquals(2, r.perSecond().get(0).getTotalCount());
        assertEquals(20_000, r.perSecond().get(0).getMaxValue(), 30);
        assertEquals(0, r.perSecond().get(1).getTotalCount());
        assertEquals(100_000, r.perSecond().get(2).getMaxValue(), 100);
    }

    @Test
    void progressWeighsOptionJAsJPlusOne() throws Exception {
        var counts = new ObjectMapper().readTree("{\"o0\":3,\"o1\":2,\"o2\":1,\"x\":100}");
        assertEquals(3 + 2 * 2 + 3, Freshness.progress(counts, "o", 20));
    }
}
