package io.chorus.gateway.publish;

import io.chorus.gateway.config.PublishConfig;
import io.chorus.gateway.feed.CatchupReader;
import io.chorus.gateway.feed.Failures;
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
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Writes client publishes with the pod's one idempotent producer and completes only after Kafka's
 * acknowledgement. A publish whose id is already known (written by this pod lately, in flight here,
 * or, for retries, found among the channel's records of the dedup window) is acknowledged with the
 * existing record's position instead of being written again.
 */
public final class Publisher implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final CatchupReader catchup;
    private final PublishConfig config;
    private final Clock clock;
    private final RecentIds recent;
    private final Map<String, CompletableFuture<PublishResult>> inFlight = new ConcurrentHashMap<>();
    // producer.send can block on metadata; it must never run on an event loop.
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "chorus-publisher");
        t.setDaemon(true);
        return t;
    });

    public Publisher(Producer<byte[], byte[]> producer, CatchupReader catchup, PublishConfig config, Clock clock,
                     GatewayMetrics metrics) {
        this.producer = producer;
        this.catchup = catchup;
        this.config = config;
        this.clock = clock;
        this.recent = new RecentIds(config.localIds(), config.dedupWindow().toMillis(), clock);
        metrics.gauge("chorus_publishes_in_flight", "publishes waiting for Kafka", inFlight::size);
    }

    public int inFlight() {
        return inFlight.size();
    }

    public CompletableFuture<PublishResult> publish(PublishRequest req) {
        String key = req.channel().value() + '\n' + req.id();
        String known = recent.get(key);
        if (known != null) {
            return CompletableFuture.completedFuture(new PublishResult(req.id(), known, true));
        }
        CompletableFuture<PublishResult> mine = new CompletableFuture<>();
        CompletableFuture<PublishResult> other = inFlight.putIfAbsent(key, mine);
        if (other != null) {
            return other.thenApply(PublishResult::asDuplicate);
        }
        if (inFlight.size() > config.maxInFlight()) {
            inFlight.remove(key, mine);
            return CompletableFuture.failedFuture(new ChorusException(ErrorCode.BUSY, "too many publishes in flight"));
        }
        int partition = req.topic().partitionOf(req.channel(), req.partitioner());
        CompletableFuture<Long> existing = req.lookupKafka()
                ? catchup.findId(req.topic(), partition, req.channel().value(), req.id(),
                        clock.millis() - config.dedupWindow().toMillis())
                : CompletableFuture.completedFuture(-1L);
        existing.thenCompose(offset -> offset >= 0
                        ? CompletableFuture.completedFuture(new PublishResult(req.id(),
                                req.topic().position(partition, offset).encode(), true))
                        : send(req, partition))
                .whenComplete((r, err) -> {
                    inFlight.remove(key, mine);
                    if (err != null) {
                        mine.completeExceptionally(translate(err));
                    } else {
                        recent.put(key, r.position());
                        mine.complete(r);
                    }
                });
        return mine;
    }

    /**
     * An explicit partition: the producer's own partitioner is murmur2, which is wrong for a crc32
     * namespace, and the record must sit where subscribers and the live reader look for the channel.
     */
    private CompletableFuture<PublishResult> send(PublishRequest req, int partition) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(req.topic().name(), partition,
                req.channel().keyBytes(), req.value());
        record.headers().add(RecordConvention.HEADER_ID, utf8(req.id()));
        if (req.name() != null) {
            record.headers().add(RecordConvention.HEADER_NAME, utf8(req.name()));
        }
        if (req.clientId() != null) {
            record.headers().add(RecordConvention.HEADER_CLIENT, utf8(req.clientId()));
        }
        CompletableFuture<PublishResult> f = new CompletableFuture<>();
        try {
            sender.execute(() -> {
                try {
                    producer.send(record, (md, err) -> {
                        if (err != null) {
                            f.completeExceptionally(err);
                        } else {
                            f.complete(new PublishResult(req.id(),
                                    req.topic().position(partition, md.offset()).encode(), false));
                        }
                    });
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new ChorusException(ErrorCode.BUSY, "gateway is stopping"));
        }
        return f;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Throwable translate(Throwable err) {
        Throwable t = Failures.unwrap(err);
        if (t instanceof ChorusException) {
            return t;
        }
        if (t instanceof RecordTooLargeException) {
            return new ChorusException(ErrorCode.MESSAGE_TOO_LARGE, "Kafka refused the record as too large");
        }
        if (t instanceof TimeoutException || t instanceof RetriableException) {
            return new ChorusException(ErrorCode.KAFKA_UNAVAILABLE, "Kafka did not acknowledge in time");
        }
        return new ChorusException(ErrorCode.INTERNAL, "publish failed: " + t.getClass().getSimpleName());
    }

    @Override
    public void close() {
        sender.shutdown();
        producer.close(Duration.ofSeconds(5));
    }
}
