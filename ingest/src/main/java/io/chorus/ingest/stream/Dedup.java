package io.chorus.ingest.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.ingest.engage.Kv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Command ids already applied, per (event, participant), with their outcome, so a duplicate gets the
 * first reply again and changes nothing. An id is remembered under {@code CODE|dedup|PID|ID} and indexed
 * by its record time under {@code #dedup|TIME|CODE|PID|ID}, so {@link #purge} forgets the oldest first:
 * those older than the window (by stream time, so a replay forgets the same ones), and beyond
 * {@code maxEntries} even younger ones (the window then shrinks; the store stays bounded). How many are
 * remembered is counted in memory, from the index once per task start: a stored count would be one more
 * changelog record per command.
 *
 * <p>Almost every command's id is new, and a key the store does not have costs a RocksDB lookup (a
 * record cache cannot answer "absent"). Bloom filters of the remembered ids ({@link IdGenerations}),
 * built from the index in the same pass that counts it and fed every id remembered since, say "new"
 * for most of them without one. They only ever hold more than the store: ids purged since (until their
 * generation goes) or written by a transaction that aborted cost a lookup, as before. The first is
 * sized for twice the store's entries when built; later ones double, all within
 * {@link #MAX_FILTER_BYTES}; a generation goes when the purge has forgotten all of its ids. The index
 * is scanned once per task start, never while the task runs.
 */
final class Dedup {

    /** What the first application answered. */
    record Outcome(long at, boolean ok, String code, String message, long retryAfterMs) {
    }

    private static final String INDEX = "#dedup|";
    /** The count this class once kept in the store; removed when a task first counts the index. */
    private static final String OLD_COUNT = "#dedup-count";
    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, byte[]> store;
    private final ObjectMapper json;
    private final long windowMs;
    private final long maxEntries;
    private final long minFilterEntries;
    /** The filters' memory per task at most: 4 MiB, room for 3.3 million ids. */
    static final long MAX_FILTER_BYTES = 4L * 1024 * 1024;
    /** The smallest filter: 80 KiB. */
    static final long MIN_FILTER_ENTRIES = 65_536;

    /** Remembered ids; -1 until counted (after the store is restored). */
    private long count = -1;
    /** Every remembered id and possibly others; null until built with the count. */
    private IdGenerations filter;

    Dedup(KeyValueStore<String, byte[]> store, ObjectMapper json, long windowMs, long maxEntries) {
        this(store, json, windowMs, maxEntries, MIN_FILTER_ENTRIES);
    }

    /** With filters as small as {@code minFilterEntries} (tests: one that fills up). */
    Dedup(KeyValueStore<String, byte[]> store, ObjectMapper json, long windowMs, long maxEntries,
          long minFilterEntries) {
        this.store = store;
        this.json = json;
        this.windowMs = windowMs;
        this.maxEntries = maxEntries;
        this.minFilterEntries = minFilterEntries;
    }

    Outcome seen(String event, String participant, String id) {
        String key = Kv.key(event, "dedup", participant, id);
        count(); // builds the filter
        if (!filter.mightContain(key)) {
            return null;
        }
        byte[] v = store.get(key);
        try {
            return v == null ? null : json.readValue(v, Outcome.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void remember(String event, String participant, String id, Outcome outcome) {
        String key = Kv.key(event, "dedup", participant, id);
        long before = count(); // counted before this id's index entry exists
        try {
            store.put(key, json.writeValueAsBytes(outcome));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.put(indexKey(outcome.at(), key), key.getBytes(StandardCharsets.UTF_8));
        filter.add(key, Math.max(0, outcome.at())); // the time its index entry sorts by
        count = before + 1;
    }

    /** Forgets ids older than {@code streamTime - window}, and the oldest beyond the bound; returns how many. */
    long purge(long streamTime, int maxPerRun) {
        long cutoff = streamTime - windowMs;
        long count = count();
        java.util.List<KeyValue<String, byte[]>> doomed = new java.util.ArrayList<>();
        // The record time of the oldest id kept; every id before it is purged (none kept: all of them).
        long oldestKept = Long.MAX_VALUE;
        // Collected first, deleted after the iterator is closed: no store writes under an open iterator.
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(INDEX, KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> e = it.next();
                long at = indexTime(e.key);
                if (doomed.size() >= maxPerRun || at >= cutoff && count - doomed.size() <= maxEntries) {
                    oldestKept = at;
                    break;
                }
                doomed.add(e);
            }
        }
        for (KeyValue<String, byte[]> e : doomed) {
            StagedKv.erase(store, new String(e.value, StandardCharsets.UTF_8));
            StagedKv.erase(store, e.key);
        }
        long purged = doomed.size();
        this.count = count - purged;
        filter.forgetBefore(oldestKept);
        return purged;
    }

    long count() {
        if (count < 0) {
            // Room for twice what the store holds, so that ids remembered after the build fill the first
            // generation only slowly: its estimate (every key, so it errs high).
            long estimate = Math.min(Math.min(store.approximateNumEntries(), maxEntries), 1L << 40);
            IdGenerations ids = new IdGenerations(Math.max(minFilterEntries, 2 * Math.max(0, estimate)),
                    MAX_FILTER_BYTES);
            long n = 0;
            try (KeyValueIterator<String, byte[]> it = store.prefixScan(INDEX, KEYS)) {
                while (it.hasNext()) {
                    KeyValue<String, byte[]> e = it.next();
                    if (e.value != null) {
                        ids.add(new String(e.value, StandardCharsets.UTF_8), indexTime(e.key));
                    }
                    n++;
                }
            }
            filter = ids;
            if (store.get(OLD_COUNT) != null) {
                StagedKv.erase(store, OLD_COUNT);
            }
            count = n;
        }
        return count;
    }

    /** The filters' generations (tests). */
    int filterGenerations() {
        count();
        return filter.generations();
    }

    private static long indexTime(String indexKey) {
        return Long.parseLong(indexKey.substring(INDEX.length(), INDEX.length() + 16));
    }

    /** {@code #dedup|TIME|KEY}, the time zero-padded to 16 digits so that keys sort by time. */
    static String indexKey(long at, String key) {
        String t = Long.toString(Math.max(0, at));
        StringBuilder b = new StringBuilder(INDEX.length() + 17 + key.length()).append(INDEX);
        for (int i = t.length(); i < 16; i++) {
            b.append('0');
        }
        return b.append(t).append('|').append(key).toString();
    }
}
