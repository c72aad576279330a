package io.chorus.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A scheduler whose time moves only when the test says so, and the clock that reads that time. Tasks
 * run on the test's thread inside {@link #advance}; the client's timer tasks only hand work to its core
 * thread, so a test must wait for the effect of one step (a state change, a frame) before the next.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long sequence;

    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public long millis() {
            synchronized (ManualScheduler.this) {
                return now;
            }
        }
    };

    Clock clock() {
        return clock;
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task task = new Task(now + Math.max(0, unit.toMillis(delay)), sequence++, command);
        queue.add(task);
        notifyAll();
        return task;
    }

    /** Moves time forward by {@code step}, running every task that falls due, in due order. */
    void advance(Duration step) {
        long target;
        synchronized (this) {
            target = now + step.toMillis();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                queue.poll();
                now = next.due;
            }
            next.runUnlessCancelled();
        }
    }

    /** Waits (a bounded real-time wait on a condition, not a sleep) until a live task is due within {@code d}. */
    synchronized void awaitTaskDueWithin(Duration d) throws InterruptedException {
        await(() -> hasTaskDueWithin(d), "within " + d);
    }

    /** Waits until a live task is due exactly {@code d} from now. */
    synchronized void awaitTaskDueIn(Duration d) throws InterruptedException {
        await(() -> queue.stream().anyMatch(t -> !t.isCancelled() && t.due == now + d.toMillis()), "in " + d);
    }

    private void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FakeGateway.WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no task due " + what + " was scheduled; pending: " + queue);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    synchronized boolean hasTaskDueWithin(Duration d) {
        return queue.stream().anyMatch(t -> !t.isCancelled() && t.due <= now + d.toMillis());
    }

    synchronized long liveTasks() {
        return queue.stream().filter(t -> !t.isCancelled()).count();
    }

    private final class Task implements ScheduledFuture<Object>, Comparable<Delayed> {
        final long due;
        final long seq;
        final Runnable command;
        private volatile boolean cancelled;
        private volatile boolean ran;

        Task(long due, long seq, Runnable command) {
            this.due = due;
            this.seq = seq;
            this.command = command;
        }

        void runUnlessCancelled() {
            if (!cancelled) {
                ran = true;
                command.run();
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - clock.millis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task o = (Task) other;
            return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            boolean was = !cancelled && !ran;
            cancelled = true;
            return was;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return cancelled || ran;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String toString() {
            return "Task[due=" + due + (cancelled ? ", cancelled" : "") + "]";
        }
    }

    // The client uses schedule(Runnable) only; the rest of the interface is not needed.

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return false;
    }
}
