package io.chorus.gateway.publish;

import io.chorus.gateway.config.PublishConfig;
import io.chorus.gateway.feed.Failures;
import io.chorus.gateway.feed.IdIndex;
import io.chorus.gateway.feed.IdKey;
import io.chorus.gateway.feed.LiveReader;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.chorus.schema.RecordConvention;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Writes client publishes with the pod's one idempotent producer and answers after Kafka's
 * acknowledgement, never later than {@code publish.timeout}. A publish with a client-chosen id is
 * answered with the record every reader delivers for that id (the {@link IdIndex} applies the rule):
 * at once when the index already holds it, else after this pod's live reader has passed the written
 * record. No publish reads Kafka itself, and none waits in the catch-up queue.
 */
public final class Publisher implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final LiveReader live;
    private final IdIndex ids;
    private final PublishConfig config;
    private final Clock clock;
    private final BooleanSupplier kafkaDown;
    private final AtomicInteger pending = new AtomicInteger();
    /** Keyed publishes on their way from this pod: a second attempt of the same id joins the first. */
    private final Map<IdKey, CompletableFuture<PublishResult>> keyed = new ConcurrentHashMap<>();
    // producer.send can block on metadata; it must never run on an event loop.
    private final ExecutorService sender;
    private volatile Thread senderThread;
    private final ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "chorus-publish-deadlines");
        t.setDaemon(true);
        return t;
    });

    public Publisher(Producer<byte[], byte[]> producer, LiveReader live, IdIndex ids, PublishConfig config,
                     Clock clock, BooleanSupplier kafkaDown, GatewayMetrics metrics) {
        this.producer = producer;
        this.live = live;
        this.ids = ids;
        this.config = config;
        this.clock = clock;
        this.kafkaDown = kafkaDown;
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "chorus-publisher");
            t.setDaemon(true);
            senderThread = t;
            return t;
        });
        deadlines.setRemoveOnCancelPolicy(true);
        metrics.gauge("chorus_publishes_in_flight", "publishes waiting for their answer", pending::get);
        metrics.gauge("chorus_publish_ids", "message ids in the pod's dedup index", ids::size);
    }

    public int inFlight() {
        return pending.get();
    }

    public CompletableFuture<PublishResult> publish(PublishRequest req) {
        if (kafkaDown.getAsBoolean()) {
            return CompletableFuture.failedFuture(new ChorusException(ErrorCode.KAFKA_UNAVAILABLE,
                    "Kafka does not answer this pod; nothing was written"));
        }
        TopicPartition tp = req.topic().partitionFor(req.channel(), req.partitioner());
        IdKey key = req.keyed() ? IdKey.of(req.channel().keyBytes(), req.id()) : null;
        Attempt a = new Attempt(req, tp, key);
        if (key != null) {
            CompletableFuture<PublishResult> first = keyed.putIfAbsent(key, a.result);
            if (first != null) {
                return first.thenApply(PublishResult::asDuplicate);
            }
        }
        if (pending.incrementAndGet() > config.maxInFlight()) {
            pending.decrementAndGet();
            if (key != null) {
                keyed.remove(key, a.result);
            }
            return CompletableFuture.failedFuture(new ChorusException(ErrorCode.BUSY, "too many publishes in flight"));
        }
        a.result.whenComplete((r, err) -> {
            pending.decrementAndGet();
            if (key != null) {
                keyed.remove(key, a.result);
            }
        });
        try {
            a.deadline(deadlines.schedule(a::expire, config.timeout().toMillis(), TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            a.fail(new ChorusException(ErrorCode.DRAINING, "the gateway is stopping"));
            return a.result;
        }
        if (key == null) {
            send(a);
            return a.result;
        }
        // The pod must read the partition to know the ids on it: the first keyed publish there waits
        // for the live reader's pre-read of the window; later ones find the index ready.
        live.ensureLive(req.topic(), tp).thenCompose(v -> ids.ready(tp)).whenComplete((v, err) -> {
            if (err != null) {
                a.fail(notWritten(err));
                return;
            }
            long first = ids.lookup(tp, key, clock.millis());
            if (first >= 0) {
                a.succeed(new PublishResult(req.id(), position(a, first), true));
            } else {
                send(a);
            }
        });
        return a.result;
    }

    /**
     * An explicit partition: the producer's own partitioner is murmur2, which is wrong for a crc32
     * namespace, and the record must sit where subscribers and the live reader look for the channel.
     */
    private void send(Attempt a) {
        PublishRequest req = a.request;
        try {
            sender.execute(() -> {
                if (!a.handOver()) {
                    return; // answered already (deadline): nothing may be written any more
                }
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(req.topic().name(), a.tp.partition(),
                        req.channel().keyBytes(), req.value());
                record.headers().add(RecordConvention.HEADER_ID, utf8(req.id()));
                if (req.name() != null) {
                    record.headers().add(RecordConvention.HEADER_NAME, utf8(req.name()));
                }
                if (req.clientId() != null) {
                    record.headers().add(RecordConvention.HEADER_CLIENT, utf8(req.clientId()));
                }
                if (req.connectionId() != null) {
                    record.headers().add(RecordConvention.HEADER_CONNECTION, utf8(req.connectionId()));
                }
                try {
                    producer.send(record, (md, err) -> acknowledged(a, md, err));
                } catch (RuntimeException e) {
                    a.fail(notWritten(e));
                }
            });
        } catch (RejectedExecutionException e) {
            a.fail(new ChorusException(ErrorCode.DRAINING, "the gateway is stopping"));
        }
    }

    private void acknowledged(Attempt a, RecordMetadata md, Exception err) {
        if (err != null) {
            // Called back on the sending thread itself: the producer refused the record before
            // taking it (no metadata, too large), so nothing was written. Later, it may have been.
            boolean refusedAtOnce = Thread.currentThread() == senderThread;
            a.fail(refusedAtOnce ? notWritten(err) : afterHandOver(err));
            return;
        }
        PublishRequest req = a.request;
        if (a.key == null) {
            a.succeed(new PublishResult(req.id(), position(a, md.offset()), false));
            return;
        }
        ids.decision(a.tp, a.key, md.offset()).thenAccept(first -> {
            if (first < 0) {
                a.fail(Attempt.unknown("the record was written but this pod's reader could not tell whether it"
                        + " is the first of its id"));
            } else {
                a.succeed(new PublishResult(req.id(), position(a, first), first != md.offset()));
            }
        });
    }

    private static String position(Attempt a, long offset) {
        return a.request.topic().position(a.tp.partition(), offset).encode();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A failure before the record was handed to Kafka: nothing was written. */
    static ChorusException notWritten(Throwable err) {
        Throwable t = Failures.unwrap(err);
        if (t instanceof ChorusException c) {
            return c;
        }
        if (t instanceof RecordTooLargeException) {
            return new ChorusException(ErrorCode.MESSAGE_TOO_LARGE, "Kafka refused the record as too large");
        }
        if (t instanceof RetriableException) {
            return new ChorusException(ErrorCode.KAFKA_UNAVAILABLE, "Kafka could not take the publish: "
                    + t.getClass().getSimpleName() + "; nothing was written");
        }
        return new ChorusException(ErrorCode.INTERNAL, "publish failed: " + t.getClass().getSimpleName());
    }

    /** A failure after the producer took the record: only a refusal of the record itself is certain. */
    static ChorusException afterHandOver(Throwable err) {
        Throwable t = Failures.unwrap(err);
        if (t instanceof RecordTooLargeException) {
            return new ChorusException(ErrorCode.MESSAGE_TOO_LARGE, "Kafka refused the record as too large");
        }
        return Attempt.unknown("Kafka did not acknowledge the publish (" + t.getClass().getSimpleName() + ")");
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        deadlines.shutdownNow();
    }
}
