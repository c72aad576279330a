package io.chorus.ingest.engage.social.reactions;

import io.chorus.ingest.engage.Kv;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where reactions live in the store, and the stored shapes. */
public final class ReactionKeys {

    /** Counts per emoji: one bucket, or the running total. */
    public record Tally(Map<String, Long> counts) {
        public Tally {
            counts = new LinkedHashMap<>(counts);
        }
    }

    /** A participant's accepted reactions' timestamps, oldest first; at most {@code reactionsPerWindow}. */
    public record Recent(java.util.List<Long> times) {
    }

    private ReactionKeys() {
    }

    static String rate(String code, String participant) {
        return Kv.key(code, "react", "rate", participant);
    }

    static String total(String code) {
        return Kv.key(code, "react", "total");
    }

    /** The newest bucket counted so far (a number): the buckets kept are the window that ends with it. */
    static String newest(String code) {
        return Kv.key(code, "react", "newest");
    }

    static String bucketPrefix(String code) {
        return Kv.key(code, "react", "b", "");
    }

    /** Zero-padded so that key order is time order. */
    static String bucket(String code, long bucket) {
        return bucketPrefix(code) + String.format("%019d", bucket);
    }

    static long bucketOf(String key, String prefix) {
        return Long.parseLong(key.substring(prefix.length()));
    }

    /** How many buckets make up the window shown (and kept). */
    static long bucketsPerWindow(long windowMs, long bucketMs) {
        return Math.max(1, (windowMs + bucketMs - 1) / bucketMs);
    }
}
