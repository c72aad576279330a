package io.chorus.ingest.engage.social;

import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.MemoryKv;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A {@link MemoryKv} that counts writes, so a test can prove a refused command changed nothing, and
 * scans, so a test can prove a hot path does not scan.
 */
public final class CountingKv implements Kv {

    private final MemoryKv kv = new MemoryKv();
    private long writes;
    private long scans;

    @Override
    public <T> T get(String key, Class<T> type) {
        return kv.get(key, type);
    }

    @Override
    public void put(String key, Object value) {
        writes++;
        kv.put(key, value);
    }

    @Override
    public void delete(String key) {
        writes++;
        kv.delete(key);
    }

    @Override
    public <T> void scan(String prefix, Class<T> type, BiConsumer<String, T> each) {
        scans++;
        kv.scan(prefix, type, each);
    }

    public long writes() {
        return writes;
    }

    public long scans() {
        return scans;
    }

    /** The keys under {@code prefix}, in order. */
    public List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        kv.scan(prefix, Object.class, (k, v) -> keys.add(k));
        return keys;
    }
}
