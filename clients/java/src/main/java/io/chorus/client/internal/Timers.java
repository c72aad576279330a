package io.chorus.client.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The client's only sources of time: a clock to read and a scheduler to wait on, both injectable so
 * tests can drive backoff, heartbeats and retries without sleeping. A timer task never runs on the
 * scheduler's thread: it is handed to the core thread, like every other event.
 */
public final class Timers {

    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Executor core;

    public Timers(ScheduledExecutorService scheduler, Clock clock, Executor core) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.core = core;
    }

    public long now() {
        return clock.millis();
    }

    /** Runs {@code task} on the core thread after {@code delay}; cancelling is best effort. */
    public Future<?> after(Duration delay, Runnable task) {
        try {
            return scheduler.schedule(() -> core.execute(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The scheduler is shut down, so the client is closing: the task has nothing left to do.
            return CompletableFuture.completedFuture(null);
        }
    }

    static void cancel(Future<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
