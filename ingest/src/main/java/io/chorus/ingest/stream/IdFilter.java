package io.chorus.ingest.stream;

/**
 * A Bloom filter of strings: {@link #mightContain} is false only for a string never {@link #add}ed, and
 * true for one that was not with a probability that grows with the strings added (about 1 % at one
 * per {@link #BITS_PER_ENTRY} bits). {@link Dedup} keeps some in front of the store ({@link IdGenerations}),
 * so that a new command id, which the store does not have, is not looked up in it.
 */
final class IdFilter {

    static final int BITS_PER_ENTRY = 10;
    /** About ln 2 times the bits per entry: the fewest false positives for that size. */
    private static final int HASHES = 7;

    private final long[] words;
    private final long bits;
    private final long capacity;
    private long added;

    /** A filter sized for {@code capacity} strings, within {@code maxBytes} of memory. */
    IdFilter(long capacity, long maxBytes) {
        long maxBits = maxBytes > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : maxBytes * 8;
        long wanted = Math.max(64, Math.min(Math.min(capacity, Long.MAX_VALUE / BITS_PER_ENTRY) * BITS_PER_ENTRY,
                maxBits));
        this.words = new long[(int) Math.min(Integer.MAX_VALUE - 8, (wanted + 63) / 64)];
        this.bits = (long) words.length * 64;
        this.capacity = Math.max(1, bits / BITS_PER_ENTRY);
    }

    void add(String s) {
        add(first(s), second(s));
    }

    /** Adds a string by its two hashes ({@link #first}, {@link #second}), taken once for several filters. */
    void add(long h1, long h2) {
        for (int i = 0; i < HASHES; i++) {
            long bit = Math.floorMod(h1 + i * h2, bits);
            words[(int) (bit >>> 6)] |= 1L << bit;
        }
        added++;
    }

    boolean mightContain(String s) {
        return mightContain(first(s), second(s));
    }

    boolean mightContain(long h1, long h2) {
        for (int i = 0; i < HASHES; i++) {
            long bit = Math.floorMod(h1 + i * h2, bits);
            if ((words[(int) (bit >>> 6)] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** More strings added than it was sized for: its false positives climb past about 1 %. */
    boolean full() {
        return added > capacity;
    }

    long sizeBytes() {
        return (long) words.length * 8;
    }

    /** The first of a string's two hashes. */
    static long first(String s) {
        return hash(s, 0x9E3779B97F4A7C15L);
    }

    /** The second, odd, so that its multiples step through every bit. */
    static long second(String s) {
        return hash(s, 0xC2B2AE3D27D4EB4FL) | 1;
    }

    /** Strings it was sized for. */
    long capacity() {
        return capacity;
    }

    /** FNV-1a over the UTF-16 units from {@code seed}, then the SplitMix64 finaliser to spread the bits. */
    private static long hash(String s, long seed) {
        long h = seed;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001B3L;
        }
        h ^= h >>> 30;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 27;
        h *= 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}
