package io.chorus.ingest.engage;

import java.util.function.BiConsumer;

/**
 * The state handlers read and write: typed values (Jackson-mapped records) under string keys. Every
 * key begins with the event's code and {@code |}, so an event's keys sort together and one task owns
 * them all. Keep values small (one participant's vote, one question, one tally): a value is
 * serialized on every write. Backed by a Kafka Streams store in ingest (committed with the output, in
 * one transaction) and by a map in unit tests.
 */
public interface Kv {

    <T> T get(String key, Class<T> type);

    /** Whether {@code key} holds a value: a lookup without decoding it where the store allows. */
    default boolean has(String key) {
        return get(key, com.fasterxml.jackson.databind.JsonNode.class) != null;
    }

    void put(String key, Object value);

    void delete(String key);

    /** Every entry whose key starts with {@code prefix}, in key order. */
    <T> void scan(String prefix, Class<T> type, BiConsumer<String, T> each);

    /**
     * Like {@link #scan(String, Class, BiConsumer)}, but at most {@code limit} entries: the store stops
     * reading there (a top-N in key order, e.g. newest first under an inverted time).
     */
    default <T> void scan(String prefix, Class<T> type, int limit, BiConsumer<String, T> each) {
        int[] seen = {0};
        scan(prefix, type, (k, v) -> {
            if (seen[0]++ < limit) {
                each.accept(k, v);
            }
        });
    }

    /** The joined key: {@code key("ABC234", "vote", "a1", "3", "p-9")} is {@code ABC234|vote|a1|3|p-9}. */
    static String key(String... parts) {
        return String.join("|", parts);
    }
}
