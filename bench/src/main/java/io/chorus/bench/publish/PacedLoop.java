package io.chorus.bench.publish;

import java.util.concurrent.locks.LockSupport;

/**
 * Publishes at a fixed total rate, round-robin over the channels, on its own thread. Send times are
 * scheduled ({@code start + i / rate}); when the thread falls behind it sends at once to catch up, and
 * the achieved rate is reported. It parks rather than spins, to leave the load generator's core to the
 * subscribers. Per-channel serials continue across runs, so a step's first serial is {@link #nextSeq()}.
 */
public final class PacedLoop {

    private final Publisher publisher;
    private final long epoch;
    private final long[] next;
    private volatile boolean stop;
    private Thread thread;
    private long sent;
    private long startedAt;
    private long stoppedAt;

    public PacedLoop(Publisher publisher, int channels, long epoch) {
        this.publisher = publisher;
        this.epoch = epoch;
        this.next = new long[channels];
    }

    public long[] nextSeq() {
        return next.clone();
    }

    public void start(double rate) {
        stop = false;
        sent = 0;
        thread = new Thread(() -> run(rate), "bench-publisher");
        thread.start();
    }

    private void run(double rate) {
        double interval = 1e9 / rate;
        startedAt = System.nanoTime();
        int c = 0;
        for (long i = 0; !stop; i++) {
            long due = startedAt + (long) (i * interval);
            for (long now = System.nanoTime(); now < due && !stop; now = System.nanoTime()) {
                LockSupport.parkNanos(due - now);
            }
            if (stop) {
                break;
            }
            publisher.publish(c, System.nanoTime() - epoch, next[c]++);
            sent++;
            c = c + 1 == next.length ? 0 : c + 1;
        }
        stoppedAt = System.nanoTime();
    }

    /** Stops publishing; returns how many messages this run sent. */
    public long stop() {
        stop = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sent;
    }

    /** The rate achieved by the last run, in messages per second. */
    public double achievedRate() {
        return sent * 1e9 / Math.max(1, stoppedAt - startedAt);
    }

    /** Publishes {@code perChannel} messages on every channel as fast as possible, on this thread. */
    public long burst(long perChannel) {
        long n = 0;
        for (long k = 0; k < perChannel; k++) {
            for (int c = 0; c < next.length; c++) {
                publisher.publish(c, System.nanoTime() - epoch, next[c]++);
                n++;
            }
        }
        return n;
    }
}
