package io.chorus.ingest.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.Kv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@link Kv} over the task's store, with one command's writes held aside until it succeeds: a refusal
 * or a handler bug discards them, so a command changes all it meant to or nothing. Reads see the held
 * writes. Staged keys are ordered by their UTF-8 bytes, as the store orders them, so a scan merges both.
 */
final class StagedKv implements Kv {

    private static final byte[] DELETED = new byte[0];
    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, byte[]> store;
    private final ObjectMapper json;
    /** Render passes remember at most this many values and scans; past it they read the store again. */
    static final int MEMO_ENTRIES = 10_000;
    /** A scan longer than this is not remembered (a leaderboard over every participant). */
    static final int MEMO_SCAN = 256;

    private final TreeMap<String, byte[]> staged = new TreeMap<>(StagedKv::compareUtf8);
    /** Raw values and scans read in a render pass (null outside one); each read decodes a fresh object. */
    private final Map<String, byte[]> memo;
    private final Map<String, List<Map.Entry<String, byte[]>>> scans;
    /**
     * Types a render pass decodes once and hands every renderer the same object: an activity is read by
     * every participant's {@code you} snapshot (the allocation profile of the vote storm: a fifth of
     * ingest's allocation was decoding activities). No renderer writes into one (they copy its
     * definition before changing it), and nothing writes activities during a pass.
     */
    private static final Set<Class<?>> SHARED_IN_PASS = Set.of(Activity.class);
    private final Map<String, Object> decoded;
    /** A read-only view's task-level activities (null otherwise): see {@link #renderView}. */
    private final ActivityMemo activities;
    private final boolean readOnly;

    StagedKv(KeyValueStore<String, byte[]> store, ObjectMapper json) {
        this(store, json, false, null);
    }

    private StagedKv(KeyValueStore<String, byte[]> store, ObjectMapper json, boolean remember,
                     ActivityMemo activities) {
        this.store = store;
        this.json = json;
        this.memo = remember ? new HashMap<>() : null;
        this.scans = remember ? new HashMap<>() : null;
        this.decoded = remember ? new HashMap<>() : null;
        this.activities = activities;
        this.readOnly = remember || activities != null;
    }

    /**
     * A read-only view for one publish pass that remembers what it read: a pass renders many channels
     * from the same keys (each participant's {@code you} reads the event and its activities), and a
     * prefix scan costs far more than a lookup. Valid while the pass lasts: it writes only dirty marks and
     * {@code seq} counters, which no renderer reads. Writing through it is a bug.
     */
    static StagedKv renderPass(KeyValueStore<String, byte[]> store, ObjectMapper json) {
        return new StagedKv(store, json, true, null);
    }

    /**
     * A read-only view for rendering one channel outside a publish pass (a participant's own {@code you}
     * after their command): every read goes to the store, and activities are decoded once per task while
     * their bytes stay the same ({@link ActivityMemo}). Writing through it is a bug.
     */
    static StagedKv renderView(KeyValueStore<String, byte[]> store, ObjectMapper json, ActivityMemo activities) {
        return new StagedKv(store, json, false, activities);
    }

    static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public <T> T get(String key, Class<T> type) {
        if (activities != null && type == Activity.class) {
            byte[] raw = store.get(key);
            return raw == null ? null : type.cast(activities.get(key, raw, v -> read(v, Activity.class)));
        }
        if (decoded != null && SHARED_IN_PASS.contains(type)) {
            Object known = decoded.get(key);
            if (known != null) {
                return type.cast(known);
            }
            T fresh = fresh(key, type);
            if (fresh != null && decoded.size() < MEMO_ENTRIES) {
                decoded.put(key, fresh);
            }
            return fresh;
        }
        return fresh(key, type);
    }

    @Override
    public boolean has(String key) {
        byte[] v = staged.containsKey(key) ? staged.get(key) : stored(key);
        return v != null && v != DELETED;
    }

    private <T> T fresh(String key, Class<T> type) {
        byte[] v = staged.containsKey(key) ? staged.get(key) : stored(key);
        return v == null || v == DELETED ? null : read(v, type);
    }

    private byte[] stored(String key) {
        if (memo == null) {
            return store.get(key);
        }
        byte[] v = memo.get(key);
        if (v == null && !memo.containsKey(key)) {
            v = store.get(key);
            if (memo.size() < MEMO_ENTRIES) {
                memo.put(key, v);
            }
        }
        return v;
    }

    @Override
    public void put(String key, Object value) {
        readOnlyPass();
        try {
            staged.put(key, json.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void delete(String key) {
        readOnlyPass();
        staged.put(key, DELETED);
    }

    @Override
    public <T> void scan(String prefix, Class<T> type, BiConsumer<String, T> each) {
        scan(prefix, type, Integer.MAX_VALUE, each);
    }

    /**
     * Merges the store's prefix scan with the staged writes, streaming. A caller may write while it walks
     * (even under the same prefix): its writes are staged, so the store does not change under the open
     * iterator, and the staged entries are copied when the scan starts; the scan sees neither.
     */
    @Override
    public <T> void scan(String prefix, Class<T> type, int limit, BiConsumer<String, T> each) {
        if (scans != null) {
            rememberedScan(prefix, type, limit, each);
            return;
        }
        List<Map.Entry<String, byte[]>> mine = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : staged.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            mine.add(Map.entry(e.getKey(), e.getValue()));
        }
        int i = 0;
        int given = 0;
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, KEYS)) {
            KeyValue<String, byte[]> s = it.hasNext() ? it.next() : null;
            while ((i < mine.size() || s != null) && given < limit) {
                Map.Entry<String, byte[]> m = i < mine.size() ? mine.get(i) : null;
                int order = m == null ? 1 : s == null ? -1 : compareUtf8(m.getKey(), s.key);
                String key;
                byte[] value;
                if (order <= 0) {
                    key = m.getKey();
                    value = m.getValue();
                    i++;
                    if (order == 0) {
                        s = it.hasNext() ? it.next() : null;
                    }
                } else {
                    key = s.key;
                    value = s.value;
                    s = it.hasNext() ? it.next() : null;
                }
                if (value != null && value != DELETED) {
                    each.accept(key, read(value, type));
                    given++;
                }
            }
        }
    }

    /** A render pass's scan: the entries of a short one are kept, and its repeats read no store. */
    private <T> void rememberedScan(String prefix, Class<T> type, int limit, BiConsumer<String, T> each) {
        String id = limit + "|" + prefix;
        List<Map.Entry<String, byte[]>> seen = scans.get(id);
        if (seen == null) {
            List<Map.Entry<String, byte[]>> kept = new ArrayList<>();
            int given = 0;
            try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, KEYS)) {
                while (it.hasNext() && given < limit) {
                    KeyValue<String, byte[]> e = it.next();
                    if (e.value == null) {
                        continue;
                    }
                    if (kept != null) {
                        kept = kept.size() < MEMO_SCAN ? kept : null;
                    }
                    if (kept != null) {
                        kept.add(Map.entry(e.key, e.value));
                    }
                    each.accept(e.key, read(e.value, type));
                    given++;
                }
            }
            if (kept != null && scans.size() < MEMO_ENTRIES) {
                scans.put(id, kept);
            }
            return;
        }
        for (Map.Entry<String, byte[]> e : seen) {
            each.accept(e.getKey(), read(e.getValue(), type));
        }
    }

    private void readOnlyPass() {
        if (readOnly) {
            throw new IllegalStateException("a render view is read-only");
        }
    }

    /**
     * Deletes a key without reading it. {@code KeyValueStore.delete} returns the old value, so Kafka
     * Streams' caching layer reads it first, from RocksDB when it has left the record cache: the purge of
     * old command ids (long out of the cache) made two reads an id that way, part of its pauses in
     * bench/BENCHMARKS.md, s24. A put of null is a delete that reads nothing.
     */
    static void erase(KeyValueStore<String, byte[]> store, String key) {
        store.put(key, null);
    }

    /** Makes the held writes part of the store (and so of the task's transaction). */
    void commit() {
        for (Map.Entry<String, byte[]> e : staged.entrySet()) {
            if (e.getValue() == DELETED) {
                erase(store, e.getKey());
            } else {
                store.put(e.getKey(), e.getValue());
            }
        }
        staged.clear();
    }

    void discard() {
        staged.clear();
    }

    private <T> T read(byte[] v, Class<T> type) {
        try {
            return json.readValue(v, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
