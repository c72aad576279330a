package io.chorus.ingest.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Deletes state that no rule reads any more (an old round's responses, tallies, quiz answers), in the
 * background: a rule names the prefix ({@code Effects.forget}), it is remembered under
 * {@code #forget|PREFIX} in the same transaction as the command, and each {@link #run} deletes at most
 * its budget of keys. A round of 100,000 responses thus never makes one huge transaction, and a crash
 * mid-way resumes where the last commit left off. The remembered prefixes are mirrored in memory (read
 * from the store once, after restoration), so a run with nothing to forget, every publish interval, does
 * not open a store iterator.
 */
final class Forgetting {

    private static final String INDEX = "#forget|";
    private static final byte[] MARK = {'1'};
    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, byte[]> store;

    Forgetting(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /** Null until first used: by then the task's store is restored. */
    private SortedSet<String> pending;

    void add(String prefix) {
        pending().add(prefix);
        store.put(INDEX + prefix, MARK);
    }

    private SortedSet<String> pending() {
        if (pending == null) {
            pending = new TreeSet<>();
            for (String entry : collect(INDEX, Integer.MAX_VALUE)) {
                pending.add(entry.substring(INDEX.length()));
            }
        }
        return pending;
    }

    /** True when no prefix waits to be forgotten. */
    boolean idle() {
        return pending().isEmpty();
    }

    /** Deletes up to {@code budget} keys under the remembered prefixes, in prefix order; returns how many. */
    long run(int budget) {
        if (pending().isEmpty()) {
            return 0;
        }
        long deleted = 0;
        for (String prefix : new ArrayList<>(pending)) {
            int left = (int) (budget - deleted);
            if (left <= 0) {
                break;
            }
            // Collected first, deleted after the iterator is closed: no store writes under an open iterator.
            List<String> doomed = collect(prefix, left);
            doomed.forEach(key -> StagedKv.erase(store, key));
            deleted += doomed.size();
            if (doomed.size() < left) {
                StagedKv.erase(store, INDEX + prefix);
                pending.remove(prefix);
            }
        }
        return deleted;
    }

    private List<String> collect(String prefix, int max) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, KEYS)) {
            while (it.hasNext() && keys.size() < max) {
                keys.add(it.next().key);
            }
        }
        return keys;
    }
}
