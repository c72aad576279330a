package io.chorus.ingest.stream;

import java.util.ArrayDeque;

/**
 * The command ids a task remembers, as {@link IdFilter}s in generations, so that no filter is ever
 * rebuilt from the store while the task runs. Ids go into the newest generation; once it has taken as
 * many as it was sized for, a new one twice its size takes the next ones, as long as all of them fit in
 * {@code maxBytes} (past that the newest keeps taking ids and says "maybe" more often: a lookup, never
 * a wrong answer). Each generation knows the latest record time among its ids. The purge forgets ids in
 * record-time order, so once it has forgotten every id before a later time, none of that generation's
 * ids is in the store and the generation goes. The generations hold every id the store holds, and
 * besides only ids purged or aborted since they were added.
 *
 * <p>Before, one filter that filled up was dropped and rebuilt by scanning the store's whole id index
 * on the stream thread: a 0.6 s pause with 180,000 ids in the vote storm, and longer the more the
 * store holds (bench/BENCHMARKS.md, s24).
 */
final class IdGenerations {

    private static final class Generation {
        final IdFilter filter;
        long latestAt = Long.MIN_VALUE;

        Generation(IdFilter filter) {
            this.filter = filter;
        }
    }

    /** Oldest first; never empty. */
    private final ArrayDeque<Generation> generations = new ArrayDeque<>();
    private final long maxBytes;

    /** A first generation sized for {@code capacity} ids; all of them within {@code maxBytes}. */
    IdGenerations(long capacity, long maxBytes) {
        this.maxBytes = maxBytes;
        generations.add(new Generation(new IdFilter(capacity, maxBytes)));
    }

    /** Adds an id remembered with record time {@code at}. */
    void add(String id, long at) {
        Generation newest = generations.peekLast();
        if (newest.filter.full()) {
            long room = maxBytes - sizeBytes();
            long size = newest.filter.sizeBytes();
            if (room >= size) {
                newest = new Generation(new IdFilter(2 * newest.filter.capacity(), Math.min(room, 2 * size)));
                generations.add(newest);
            }
        }
        newest.filter.add(IdFilter.first(id), IdFilter.second(id));
        newest.latestAt = Math.max(newest.latestAt, at);
    }

    /** False only for an id never added. */
    boolean mightContain(String id) {
        long h1 = IdFilter.first(id);
        long h2 = IdFilter.second(id);
        for (Generation g : generations) {
            if (g.filter.mightContain(h1, h2)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The purge has forgotten every id with a record time before {@code oldestKept}: the generations
     * whose ids are all older go (the newest stays, to take the next ids).
     */
    void forgetBefore(long oldestKept) {
        while (generations.size() > 1 && generations.peekFirst().latestAt < oldestKept) {
            generations.removeFirst();
        }
    }

    int generations() {
        return generations.size();
    }

    long sizeBytes() {
        long bytes = 0;
        for (Generation g : generations) {
            bytes += g.filter.sizeBytes();
        }
        return bytes;
    }
}
