package io.chorus.bench.engage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Tally freshness: for each vote, the time from its publish (the participant writing the frame) until
 * a display received the first snapshot whose tally includes it.
 *
 * <p>Which snapshot includes a vote is read from the tally itself. Every vote of the run goes to one
 * channel ({@code engage-in:CODE}, so one partition) and ingest applies a partition's records in
 * offset order; the run's votes are chosen so that each accepted vote raises a snapshot's
 * <em>progress</em> (a number computed from its tally) by exactly one. A snapshot of progress P has
 * therefore applied exactly the run's first P votes in offset order, and the vote of rank k (1-based,
 * by the offset in its ack) first shows in the first snapshot to arrive with progress at least k.
 */
public final class Freshness {

    /**
     * The result: freshness of the measured votes in microseconds; votes no snapshot showed;
     * snapshots whose progress fell (never expected); and votes that a snapshot seemed to include before
     * they were sent (never expected: the progress reading would be wrong); and the freshness of the
     * votes sent in each second of the measured window (a stall shows as a run of slow seconds).
     */
    public record Result(Histogram micros, long measured, long neverShown, long regressions, long beforeSent,
                         List<Histogram> perSecond) {
    }

    private Freshness() {
    }

    /**
     * @param offsets   the Kafka offset of each acknowledged vote of the run (any order)
     * @param sent      the send time of each, in nanoseconds (same indexes)
     * @param measured  whether each counts in the result (sent in the measured window)
     * @param arrivals  snapshots in arrival order: arrival time in nanoseconds
     * @param progress  the progress of each snapshot (same indexes)
     */
    public static Result compute(long[] offsets, long[] sent, boolean[] measured, List<Long> arrivals,
                                 List<Long> progress) {
        Integer[] order = new Integer[offsets.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(offsets[a], offsets[b]));
        Histogram h = new Histogram(3);
        long firstSent = Long.MAX_VALUE;
        for (int i = 0; i < sent.length; i++) {
            if (measured[i]) {
                firstSent = Math.min(firstSent, sent[i]);
            }
        }
        List<Histogram> perSecond = new ArrayList<>();
        long neverShown = 0;
        long regressions = 0;
        long beforeSent = 0;
        long count = 0;
        int s = 0;
        for (int i = 1; i < progress.size(); i++) {
            if (progress.get(i) < progress.get(i - 1)) {
                regressions++;
            }
        }
        for (int rank = 1; rank <= order.length; rank++) {
            // First snapshot (in arrival order) whose progress reaches this rank; ranks only grow.
            while (s < progress.size() && progress.get(s) < rank) {
                s++;
            }
            int vote = order[rank - 1];
            if (!measured[vote]) {
                continue;
            }
            count++;
            if (s >= progress.size()) {
                neverShown++;
                continue;
            }
            long d = arrivals.get(s) - sent[vote];
            if (d < 0) {
                beforeSent++;
                continue;
            }
            h.recordValue(d / 1000);
            int second = (int) ((sent[vote] - firstSent) / 1_000_000_000L);
            while (perSecond.size() <= second) {
                perSecond.add(new Histogram(3));
            }
            perSecond.get(second).recordValue(d / 1000);
        }
        return new Result(h, count, neverShown, regressions, beforeSent, perSecond);
    }

    /**
     * The progress of a tally where option {@code prefix + j} weighs {@code j + 1}: a participant's first
     * vote for option 0 adds one, and each change from option j to j + 1 adds one.
     */
    public static long progress(com.fasterxml.jackson.databind.JsonNode counts, String prefix, int options) {
        long p = 0;
        for (int j = 0; j < options; j++) {
            p += (j + 1L) * counts.path(prefix + j).asLong(0);
        }
        return p;
    }
}
