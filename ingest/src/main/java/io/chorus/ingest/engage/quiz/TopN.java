package io.chorus.ingest.engage.quiz;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The best {@code n} of a stream under a total order, in O(n) memory whatever the stream's length: a
 * heap whose head is the worst kept entry.
 */
final class TopN<T> {

    private final int n;
    private final Comparator<T> best;
    private final PriorityQueue<T> kept;

    /** {@code best} sorts the best first; it must be total (break ties), so the result is deterministic. */
    TopN(int n, Comparator<T> best) {
        this.n = n;
        this.best = best;
        this.kept = new PriorityQueue<>(n + 1, best.reversed());
    }

    void offer(T entry) {
        if (kept.size() < n) {
            kept.add(entry);
        } else if (best.compare(entry, kept.peek()) < 0) {
            kept.poll();
            kept.add(entry);
        }
    }

    /** The kept entries, best first. */
    List<T> best() {
        List<T> out = new ArrayList<>(kept);
        out.sort(best);
        return out;
    }
}
