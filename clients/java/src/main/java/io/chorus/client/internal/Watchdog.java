package io.chorus.client.internal;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * Declares the socket dead when nothing arrived for a while: until {@code connected}, the connect
 * timeout; then the server's {@code heartbeatMs} plus a margin (the server pings every heartbeatMs, so a
 * longer silence means a half-open TCP connection that the OS may not notice for many minutes).
 *
 * <p>One timer per silence period rather than one per frame: each frame only records the time, and the
 * timer, when it fires early, re-arms itself for the rest. Core thread only.
 */
final class Watchdog {

    private final Timers timers;
    private final BooleanSupplier readingPaused;
    private final Runnable onSilence;
    private long timeoutMs;
    private long lastHeard;
    private Future<?> check;
    /** Bumped by every arm and stop, so that a timer from an earlier period does nothing. */
    private int generation;

    /** {@code readingPaused}: while the client itself stopped reading, the silence is not the server's. */
    Watchdog(Timers timers, BooleanSupplier readingPaused, Runnable onSilence) {
        this.timers = timers;
        this.readingPaused = readingPaused;
        this.onSilence = onSilence;
    }

    /** Starts a silence period; {@code timeoutMs <= 0} turns the watchdog off. */
    void arm(long timeoutMs) {
        stop();
        this.timeoutMs = timeoutMs;
        this.lastHeard = timers.now();
        if (timeoutMs > 0) {
            schedule(timeoutMs);
        }
    }

    void heard() {
        lastHeard = timers.now();
    }

    void stop() {
        generation++;
        Timers.cancel(check);
        check = null;
    }

    private void schedule(long delayMs) {
        int armed = generation;
        check = timers.after(Duration.ofMillis(delayMs), () -> fire(armed));
    }

    private void fire(int armed) {
        if (armed != generation) {
            return;
        }
        long now = timers.now();
        if (readingPaused.getAsBoolean()) {
            lastHeard = now;
        }
        long silent = now - lastHeard;
        if (silent >= timeoutMs) {
            stop();
            onSilence.run();
        } else {
            schedule(timeoutMs - silent);
        }
    }
}
