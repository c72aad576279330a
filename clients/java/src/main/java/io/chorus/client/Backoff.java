package io.chorus.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Delays for reconnects and retries: exponential from {@code initial}, capped at {@code max}, with full
 * jitter, i.e. a uniform draw in {@code [0, min(max, initial * 2^attempt)]}.
 *
 * <p>Full jitter rather than "delay plus or minus 10 %" because disconnects come in waves: when a gateway
 * pod drains, all of its clients lose their socket in the same instant, and only a draw over the whole
 * interval spreads their reconnects out instead of moving the spike a few milliseconds later.
 */
public final class Backoff {

    public static final Duration DEFAULT_INITIAL = Duration.ofMillis(250);
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(10);

    private final long initialMs;
    private final long maxMs;
    private final Random random;

    public Backoff(Duration initial, Duration max, Random random) {
        this.initialMs = initial.toMillis();
        this.maxMs = max.toMillis();
        this.random = Objects.requireNonNull(random, "random");
        if (initialMs < 1 || maxMs < initialMs) {
            throw new IllegalArgumentException("need 1 ms <= initial <= max, got " + initial + " and " + max);
        }
    }

    /** The upper bound of the draw for an attempt (0 for the first retry). */
    public Duration ceiling(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, was " + attempt);
        }
        // initial << attempt <= max exactly when initial <= max >> attempt; testing it this way
        // cannot overflow, however many attempts a long outage piles up.
        boolean capped = attempt >= Long.SIZE - 1 || initialMs > (maxMs >> attempt);
        return Duration.ofMillis(capped ? maxMs : initialMs << attempt);
    }

    /** A delay drawn uniformly from {@code [0, ceiling(attempt)]}, in whole milliseconds. */
    public Duration delay(int attempt) {
        return Duration.ofMillis(random.nextLong(ceiling(attempt).toMillis() + 1));
    }

    @Override
    public String toString() {
        return "Backoff[initial=" + initialMs + "ms, max=" + maxMs + "ms, full jitter]";
    }
}
