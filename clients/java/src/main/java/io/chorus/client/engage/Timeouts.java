package io.chorus.client.engage;

import java.time.Duration;

/** Schedules command timeouts; tests drive time themselves. */
@FunctionalInterface
interface Timeouts {

    /** Runs {@code task} after {@code delay}; the returned action cancels it. */
    Runnable schedule(Duration delay, Runnable task);
}
