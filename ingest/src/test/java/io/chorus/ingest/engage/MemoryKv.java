package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/** {@link Kv} over a sorted map, values kept as JSON so a test sees what the store would hold. */
public final class MemoryKv implements Kv {

    private final ObjectMapper json = new ObjectMapper();
    private final TreeMap<String, byte[]> map = new TreeMap<>();

    @Override
    public <T> T get(String key, Class<T> type) {
        byte[] v = map.get(key);
        try {
            return v == null ? null : json.readValue(v, type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void put(String key, Object value) {
        try {
            map.put(key, json.writeValueAsBytes(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void delete(String key) {
        map.remove(key);
    }

    @Override
    public <T> void scan(String prefix, Class<T> type, BiConsumer<String, T> each) {
        // A copy, as the runtime's store gives: the caller may write while it walks the entries.
        for (Map.Entry<String, byte[]> e : new TreeMap<>(map.tailMap(prefix, true)).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            each.accept(e.getKey(), get(e.getKey(), type));
        }
    }

    public int size() {
        return map.size();
    }
}
