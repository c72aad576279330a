package io.chorus.gateway.feed;

import io.chorus.gateway.config.CatchupConfig;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads older records of one channel straight from Kafka: forward from an offset (resume, history),
 * backward for the latest N (rewind, history). A fixed
 * pool of threads, each with its own consumer, takes jobs from one bounded queue; when it is full the
 * caller gets {@link ErrorCode#BUSY} at once instead of waiting without bound.
 */
public final class CatchupReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatchupReader.class);

    private record Job<T>(Function<PartitionScanner, T> work, CompletableFuture<T> result) {
        void run(PartitionScanner scanner) {
            try {
                result.complete(work.apply(scanner));
            } catch (org.apache.kafka.common.errors.RetriableException e) {
                result.completeExceptionally(new ChorusException(ErrorCode.KAFKA_UNAVAILABLE,
                        "Kafka could not serve the read: " + e.getClass().getSimpleName()));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    private final BlockingQueue<Job<?>> queue;
    /** Forward reads waiting or running, by request; bounded by the queue plus the threads. */
    private final Map<ScanRequest, CompletableFuture<ScanResult>> inFlight = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Consumer<byte[], byte[]>> consumers = new ArrayList<>();
    private final CatchupConfig config;
    private volatile boolean running = true;

    public CatchupReader(CatchupConfig config, Supplier<Consumer<byte[], byte[]>> consumerFactory) {
        this.config = config;
        this.queue = new ArrayBlockingQueue<>(config.queue());
        for (int i = 0; i < config.threads(); i++) {
            Consumer<byte[], byte[]> consumer = consumerFactory.get();
            consumers.add(consumer);
            PartitionScanner scanner = new PartitionScanner(consumer, config);
            Thread t = new Thread(() -> work(scanner), "chorus-catchup-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    public void start() {
        threads.forEach(Thread::start);
    }

    public int queued() {
        return queue.size();
    }

    /** A forward read of its own (history: a page must see what was written before it was asked). */
    public CompletableFuture<ScanResult> forward(ScanRequest request) {
        return submit(s -> s.forward(request));
    }

    /**
     * A forward read for a catch-up step. Identical reads (same channel, range and limit) that are
     * waiting or running share one job and one result: subscriptions that resume the same channel from
     * the same position, as a crowd does after a common disconnect, cost one Kafka read per catch-up
     * step, not one each, and take one place in the queue. Joining a read that has already started is
     * the same as having asked a little earlier: its result is a correct read of the range as of when
     * it ran, and the catch-up loop goes on from wherever it ends until the cache covers the rest.
     */
    public CompletableFuture<ScanResult> sharedForward(ScanRequest request) {
        CompletableFuture<ScanResult> mine = new CompletableFuture<>();
        CompletableFuture<ScanResult> shared = inFlight.putIfAbsent(request, mine);
        if (shared != null) {
            return shared;
        }
        submit(s -> s.forward(request), mine);
        mine.whenComplete((r, err) -> inFlight.remove(request, mine));
        return mine;
    }

    public CompletableFuture<ScanResult> backward(ScanRequest request) {
        return submit(s -> s.backward(request));
    }

    private <T> CompletableFuture<T> submit(Function<PartitionScanner, T> work) {
        return submit(work, new CompletableFuture<>());
    }

    private <T> CompletableFuture<T> submit(Function<PartitionScanner, T> work, CompletableFuture<T> f) {
        if (!running || !queue.offer(new Job<>(work, f))) {
            f.completeExceptionally(new ChorusException(ErrorCode.BUSY, "catch-up queue is full"));
        }
        return f;
    }

    private void work(PartitionScanner scanner) {
        while (running) {
            try {
                Job<?> job = queue.poll(200, TimeUnit.MILLISECONDS);
                if (job != null) {
                    job.run(scanner);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("catch-up job failed: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        consumers.forEach(c -> c.close(Duration.ofSeconds(2)));
        Job<?> left;
        while ((left = queue.poll()) != null) {
            left.result.completeExceptionally(new ChorusException(ErrorCode.BUSY, "gateway is stopping"));
        }
    }
}
