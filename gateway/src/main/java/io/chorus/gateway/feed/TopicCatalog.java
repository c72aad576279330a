package io.chorus.gateway.feed;

import io.chorus.gateway.config.KafkaConfig;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Topic metadata through the Kafka Admin client: topic id and partition count (cached for
 * {@code metadataMaxAge}, refreshed on demand when a position disagrees), creation of missing topics in
 * dev mode, and a partition's first and last offsets. Results complete on Kafka's threads.
 */
public final class TopicCatalog implements AutoCloseable {

    private record Entry(CompletableFuture<TopicInfo> info, long fetchedAt) {
    }

    private final Admin admin;
    private final KafkaConfig config;
    private final Clock clock;
    private final Map<String, Entry> topics = new ConcurrentHashMap<>();
    private final Map<TopicPartition, CompletableFuture<long[]>> offsetsInFlight = new ConcurrentHashMap<>();

    public TopicCatalog(Admin admin, KafkaConfig config, Clock clock) {
        this.admin = admin;
        this.config = config;
        this.clock = clock;
    }

    /** The topic's metadata; creates it when allowed. Fails with {@link ErrorCode#TOPIC_MISSING}. */
    public CompletableFuture<TopicInfo> topic(String name) {
        long now = clock.millis();
        Entry e = topics.get(name);
        if (e != null && (!e.info.isDone() || now - e.fetchedAt < config.metadataMaxAge().toMillis())
                && !e.info.isCompletedExceptionally()) {
            return e.info;
        }
        return refresh(name);
    }

    /** Fetches the metadata again (a position named another topic id or partition count). */
    public CompletableFuture<TopicInfo> refresh(String name) {
        CompletableFuture<TopicInfo> f = describe(name).exceptionallyCompose(err -> {
            if (Failures.unwrap(err) instanceof UnknownTopicOrPartitionException && config.createTopics()) {
                return create(name).thenCompose(v -> describeOnceKnown(name, 40)).thenCompose(this::servedByLeaders);
            }
            return CompletableFuture.failedFuture(err);
        }).exceptionallyCompose(err -> CompletableFuture.failedFuture(translate(err, name)));
        topics.put(name, new Entry(f, clock.millis()));
        return f;
    }

    /**
     * Like {@link #offsets}, but a call made while another for the same partition is in flight joins
     * it: a crowd resuming at once asks Kafka once, not twice per client. The answer may predate the
     * call, so both offsets are lower bounds: a caller that would act on "the log ends at or before
     * my position" must ask {@link #offsets} again.
     */
    public CompletableFuture<long[]> sharedOffsets(TopicPartition tp) {
        CompletableFuture<long[]> mine = new CompletableFuture<>();
        CompletableFuture<long[]> shared = offsetsInFlight.putIfAbsent(tp, mine);
        if (shared != null) {
            return shared;
        }
        offsets(tp).whenComplete((r, err) -> {
            offsetsInFlight.remove(tp, mine);
            if (err != null) {
                mine.completeExceptionally(err);
            } else {
                mine.complete(r);
            }
        });
        return mine;
    }

    /** [first offset, end offset) of committed data in the partition. */
    public CompletableFuture<long[]> offsets(TopicPartition tp) {
        ListOffsetsOptions opts = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        CompletableFuture<Long> first = toCf(admin.listOffsets(Map.of(tp, OffsetSpec.earliest()), opts)
                .partitionResult(tp)).thenApply(r -> r.offset());
        CompletableFuture<Long> end = toCf(admin.listOffsets(Map.of(tp, OffsetSpec.latest()), opts)
                .partitionResult(tp)).thenApply(r -> r.offset());
        return first.thenCombine(end, (a, b) -> new long[] {a, b})
                .exceptionallyCompose(err -> CompletableFuture.failedFuture(translate(err, tp.topic())));
    }

    /** A topic just created may take a moment to be described everywhere: retry every 50 ms. */
    private CompletableFuture<TopicInfo> describeOnceKnown(String name, int attempts) {
        return describe(name).exceptionallyCompose(err -> attempts > 1
                && Failures.unwrap(err) instanceof UnknownTopicOrPartitionException
                ? CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(50,
                        java.util.concurrent.TimeUnit.MILLISECONDS)).thenCompose(v -> describeOnceKnown(name, attempts - 1))
                : CompletableFuture.failedFuture(err));
    }

    /**
     * A broker describes a new topic a moment before its partitions take writes. A producer with several
     * requests in flight whose first is refused in that moment (NOT_LEADER_OR_FOLLOWER) while its second
     * is taken has the first refused as out of order until its delivery timeout drops it (KAFKA-15591,
     * fixed in the broker by apache/kafka pull request 23234). Offsets are answered only by a leader
     * that serves the partition, and the admin client retries the others: once every partition has
     * answered, the topic is handed out.
     */
    private CompletableFuture<TopicInfo> servedByLeaders(TopicInfo info) {
        Map<TopicPartition, OffsetSpec> all = new HashMap<>();
        for (int p = 0; p < info.partitions(); p++) {
            all.put(new TopicPartition(info.name(), p), OffsetSpec.latest());
        }
        return toCf(admin.listOffsets(all).all()).thenApply(offsets -> info);
    }

    private CompletableFuture<TopicInfo> describe(String name) {
        return toCf(admin.describeTopics(List.of(name)).topicNameValues().get(name)).thenApply(TopicCatalog::info);
    }

    private CompletableFuture<Void> create(String name) {
        NewTopic t = new NewTopic(name, config.partitions(), config.replicationFactor());
        return toCf(admin.createTopics(List.of(t)).all()).exceptionallyCompose(err ->
                Failures.unwrap(err) instanceof TopicExistsException
                        ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(err));
    }

    private static TopicInfo info(TopicDescription d) {
        UUID id = new UUID(d.topicId().getMostSignificantBits(), d.topicId().getLeastSignificantBits());
        return new TopicInfo(d.name(), id, d.partitions().size());
    }

    private static Throwable translate(Throwable err, String topic) {
        Throwable t = Failures.unwrap(err);
        if (t instanceof ChorusException) {
            return t;
        }
        if (t instanceof UnknownTopicOrPartitionException) {
            return new ChorusException(ErrorCode.TOPIC_MISSING, "topic " + topic + " does not exist");
        }
        if (t instanceof TimeoutException || t instanceof org.apache.kafka.common.errors.RetriableException) {
            return new ChorusException(ErrorCode.KAFKA_UNAVAILABLE, "Kafka did not answer: " + t.getMessage());
        }
        return new ChorusException(ErrorCode.INTERNAL, "Kafka admin call failed: " + t.getClass().getSimpleName());
    }

    static <T> CompletableFuture<T> toCf(KafkaFuture<T> kf) {
        return kf.toCompletionStage().toCompletableFuture();
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
