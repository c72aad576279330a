package io.chorus.gateway.admission;

import java.time.Clock;

/**
 * A token bucket: {@code ratePerSecond} tokens flow in, at most {@code burst} wait. Time comes from
 * the clock, so tests drive it. Not thread-safe: each bucket belongs to one event loop, or is guarded
 * by its owner.
 */
public final class TokenBucket {

    private final double ratePerMs;
    private final double burst;
    private final Clock clock;
    private double tokens;
    private long updatedAt;

    public TokenBucket(double ratePerSecond, double burst, Clock clock) {
        this.ratePerMs = ratePerSecond / 1000.0;
        this.burst = Math.max(1, burst);
        this.clock = clock;
        this.tokens = this.burst;
        this.updatedAt = clock.millis();
    }

    /** Takes a token: 0 when granted, else the milliseconds until one will be there. */
    public long tryTake() {
        long now = clock.millis();
        tokens = Math.min(burst, tokens + (now - updatedAt) * ratePerMs);
        updatedAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerMs));
    }
}
