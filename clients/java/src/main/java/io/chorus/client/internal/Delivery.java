package io.chorus.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The one thread that runs application code: listeners and the completion of the futures the client
 * returns, in the order the core handed them over. It counts what is queued so that the core can stop
 * reading the socket past a limit; {@code onDrained} tells it when the queue is down to half.
 */
public final class Delivery {

    private final ExecutorService thread;
    private final AtomicInteger backlog = new AtomicInteger();
    private final int lowWater;
    private final Runnable onDrained;
    private final Consumer<Throwable> onListenerError;

    /**
     * @param onDrained       runs on the delivery thread when the backlog falls to half of {@code limit}
     * @param onListenerError hears what application code threw, on the delivery thread
     */
    public Delivery(String name, int limit, Runnable onDrained, Consumer<Throwable> onListenerError) {
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        this.lowWater = limit / 2;
        this.onDrained = onDrained;
        this.onListenerError = onListenerError;
    }

    public void run(Runnable applicationCode) {
        backlog.incrementAndGet();
        try {
            thread.execute(() -> {
                try {
                    applicationCode.run();
                } catch (RuntimeException e) {
                    onListenerError.accept(e);
                } finally {
                    // Exactly one decrement lands on lowWater per crossing, so a pause is lifted once.
                    if (backlog.decrementAndGet() == lowWater) {
                        onDrained.run();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            backlog.decrementAndGet(); // closed: nobody is listening any more
        }
    }

    public <T> void complete(CompletableFuture<T> future, T value) {
        run(() -> future.complete(value));
    }

    public void fail(CompletableFuture<?> future, Throwable error) {
        run(() -> future.completeExceptionally(error));
    }

    public int backlog() {
        return backlog.get();
    }

    /** Lets what is queued run, then ends the thread. */
    public void shutdown() {
        thread.shutdown();
    }
}
