package io.chorus.gateway.feed;

import io.chorus.gateway.config.CatchupConfig;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads older records of channels straight from Kafka: forward from an offset (resume, history),
 * backward for the latest N (rewind, history). A fixed pool of threads (one per core by default), each with its own consumer.
 *
 * <p>Forward reads wait per partition and are served together: a pass over a partition reads each
 * record once for every read of it that was waiting when the pass started
 * ({@link PartitionScanner#pass}), and one pass per partition runs at a time. A crowd resuming
 * channels of one partition costs one read of that partition; passes over different partitions run on
 * every thread at once. Identical catch-up reads ({@link #sharedForward}) also share one result, even
 * with a read already running.
 *
 * <p>Every read drops the repeats of message ids exactly as the live reader does (the dedup rule,
 * {@link IdIndex}), so a resume or a history page on any pod shows the same messages as live delivery;
 * a pass that the live index does not cover reads the rule's window before its start once for all of
 * its reads ({@link PartitionScanner#pass}).
 *
 * <p>Its consumers never wait for new data ({@link #CONSUMER_SETTINGS}): the consumer fetches ahead
 * after every poll, and a fetch at the end of a partition that the broker holds for
 * {@code fetch.max.wait.ms} blocks the consumer's next request of any kind, so each read used to wait
 * out the one before it.
 *
 * <p>Bounded: at most {@code queue} reads and jobs wait; beyond, the caller gets {@link ErrorCode#BUSY}
 * at once instead of waiting without bound.
 */
public final class CatchupReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatchupReader.class);

    /** Over the pod's consumer settings: a read of the past only asks for records that exist. */
    public static final Map<String, Object> CONSUMER_SETTINGS = Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 0);

    private interface Task {
        void run(PartitionScanner scanner);
    }

    private record Job<T>(Function<PartitionScanner, T> work, CompletableFuture<T> result) implements Task {
        @Override
        public void run(PartitionScanner scanner) {
            try {
                result.complete(work.apply(scanner));
            } catch (RuntimeException e) {
                result.completeExceptionally(translate(e));
            }
        }
    }

    /** A forward read waiting for (or in) a pass over its partition. */
    private record Read(ScanRequest request, CompletableFuture<ScanResult> result, boolean shared) {
    }

    /** The next pass over a partition; queued when its first read arrives, again while reads wait. */
    private record Pass(TopicPartition tp, CatchupReader reader) implements Task {
        @Override
        public void run(PartitionScanner scanner) {
            reader.pass(tp, scanner);
        }
    }

    private final BlockingQueue<Task> tasks;
    private final Object lock = new Object();
    /** Reads waiting, by partition; a partition is here while its pass is queued or running. */
    private final Map<TopicPartition, ArrayDeque<Read>> partitions = new HashMap<>();
    /** Catch-up reads waiting or in a pass, by request, for identical ones to join. */
    private final Map<ScanRequest, Read> shared = new HashMap<>();
    /** Reads waiting plus jobs queued; at most {@code queue} (a pass's leftovers may briefly pass it). */
    private int waiting;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Consumer<byte[], byte[]>> consumers = new ArrayList<>();
    private final ReadCounters counters = new ReadCounters();
    private final CatchupConfig config;
    private volatile boolean running = true;

    public CatchupReader(CatchupConfig config, IdIndex ids,
                         Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers) {
        this("catchup", config, ids, consumers);
    }

    /**
     * {@code consumers} makes a consumer with the pod's settings plus the overrides it is given;
     * {@code name} names the threads ({@code chorus-NAME-N}); {@code ids} is the pod's id index, whose
     * rule every read applies (its decisions where they cover the read).
     */
    public CatchupReader(String name, CatchupConfig config, IdIndex ids,
                         Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers) {
        this.config = config;
        int n = config.threadCount();
        // Passes of different partitions and jobs: at most one pass per partition with a read waiting.
        this.tasks = new LinkedBlockingQueue<>(config.queue() + n);
        for (int i = 0; i < n; i++) {
            Consumer<byte[], byte[]> consumer = consumers.apply(CONSUMER_SETTINGS);
            this.consumers.add(consumer);
            PartitionScanner scanner = new PartitionScanner(consumer, config, counters, ids);
            Thread t = new Thread(() -> work(scanner), "chorus-" + name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    public void start() {
        threads.forEach(Thread::start);
    }

    /** Reads and jobs waiting. */
    public int queued() {
        synchronized (lock) {
            return waiting;
        }
    }

    public int threads() {
        return threads.size();
    }

    public ReadCounters counters() {
        return counters;
    }

    /**
     * A forward read of its own result (history): it joins only a pass that starts after it was
     * asked, so a page sees what was written before it was asked.
     */
    public CompletableFuture<ScanResult> forward(ScanRequest request) {
        return read(request, false);
    }

    /**
     * A forward read for a catch-up step. Identical reads (same channel, range and limit) that are
     * waiting or in a pass share one result: subscriptions that resume the same channel from the same
     * position, as a crowd does after a common disconnect, take one place in the queue. Joining a read
     * that has already started is the same as having asked a little earlier: its result is a correct
     * read of the range as of when it ran, and the catch-up loop goes on from wherever it ends until
     * the cache covers the rest.
     */
    public CompletableFuture<ScanResult> sharedForward(ScanRequest request) {
        return read(request, true);
    }

    public CompletableFuture<ScanResult> backward(ScanRequest request) {
        return submit(s -> s.backward(request));
    }

    private CompletableFuture<ScanResult> read(ScanRequest request, boolean share) {
        TopicPartition tp = request.topicPartition(); // the caller placed the channel with its namespace's partitioner
        synchronized (lock) {
            if (share) {
                Read same = shared.get(request);
                if (same != null) {
                    return same.result;
                }
            }
            if (!running || waiting >= config.queue()) {
                return CompletableFuture.failedFuture(busy());
            }
            Read read = new Read(request, new CompletableFuture<>(), share);
            ArrayDeque<Read> queue = partitions.get(tp);
            if (queue == null) {
                queue = new ArrayDeque<>();
                partitions.put(tp, queue);
                if (!tasks.offer(new Pass(tp, this))) {
                    partitions.remove(tp);
                    return CompletableFuture.failedFuture(busy());
                }
            }
            queue.addLast(read);
            waiting++;
            if (share) {
                shared.put(request, read);
            }
            return read.result;
        }
    }

    private <T> CompletableFuture<T> submit(Function<PartitionScanner, T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        synchronized (lock) {
            if (!running || waiting >= config.queue() || !tasks.offer(new Job<>(work, f))) {
                f.completeExceptionally(busy());
                return f;
            }
            waiting++;
        }
        return f;
    }

    /** Runs the partition's next pass for every read waiting now; reads it did not reach wait for the next. */
    private void pass(TopicPartition tp, PartitionScanner scanner) {
        List<Read> batch;
        synchronized (lock) {
            ArrayDeque<Read> queue = partitions.get(tp);
            batch = queue == null ? List.of() : new ArrayList<>(queue);
            if (queue != null) {
                queue.clear();
            }
            waiting -= batch.size();
        }
        List<ScanResult> results = null;
        RuntimeException failure = null;
        if (!batch.isEmpty()) {
            try {
                results = scanner.pass(tp, batch.stream().map(Read::request).toList());
                counters.passes.increment();
            } catch (RuntimeException e) {
                failure = translate(e);
            }
        }
        boolean[] again = new boolean[batch.size()];
        synchronized (lock) {
            ArrayDeque<Read> queue = partitions.get(tp);
            for (int i = batch.size() - 1; i >= 0; i--) {
                Read r = batch.get(i);
                if (failure == null && results.get(i) == null && queue != null) {
                    queue.addFirst(r);  // not reached within the pass's budget: first in the next pass
                    waiting++;
                    again[i] = true;
                } else if (r.shared) {
                    shared.remove(r.request, r);
                }
            }
            if (queue != null && queue.isEmpty()) {
                partitions.remove(tp);
            } else if (queue != null && !(running && tasks.offer(new Pass(tp, this)))) {
                partitions.remove(tp);
                for (Read r : queue) {
                    waiting--;
                    shared.remove(r.request, r);
                    r.result.completeExceptionally(busy());
                }
            }
        }
        // Completed outside the lock: what waits on a result runs on this thread until it hands off.
        for (int i = 0; i < batch.size(); i++) {
            Read r = batch.get(i);
            if (failure != null) {
                r.result.completeExceptionally(failure);
            } else if (results.get(i) != null) {
                counters.reads.increment();
                r.result.complete(results.get(i));
            } else if (!again[i]) {
                r.result.completeExceptionally(new ChorusException(ErrorCode.BUSY, "gateway is stopping"));
            }
        }
    }

    private void work(PartitionScanner scanner) {
        while (running) {
            try {
                Task task = tasks.poll(200, TimeUnit.MILLISECONDS);
                if (task instanceof Job<?>) {
                    synchronized (lock) {
                        waiting--;
                    }
                }
                if (task != null) {
                    task.run(scanner);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("catch-up task failed: {}", e.toString());
            }
        }
    }

    private static RuntimeException translate(RuntimeException e) {
        if (e instanceof org.apache.kafka.common.errors.RetriableException) {
            return new ChorusException(ErrorCode.KAFKA_UNAVAILABLE,
                    "Kafka could not serve the read: " + e.getClass().getSimpleName());
        }
        return e;
    }

    private static ChorusException busy() {
        return new ChorusException(ErrorCode.BUSY, "catch-up queue is full");
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
        ChorusException stopping = new ChorusException(ErrorCode.BUSY, "gateway is stopping");
        List<CompletableFuture<?>> left = new ArrayList<>();
        synchronized (lock) {
            Task t;
            while ((t = tasks.poll()) != null) {
                if (t instanceof Job<?> job) {
                    left.add(job.result());
                }
            }
            partitions.values().forEach(q -> q.forEach(r -> left.add(r.result)));
            partitions.clear();
            shared.clear();
            waiting = 0;
        }
        left.forEach(f -> f.completeExceptionally(stopping));
    }
}
