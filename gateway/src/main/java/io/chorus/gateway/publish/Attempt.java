package io.chorus.gateway.publish;

import io.chorus.gateway.feed.IdKey;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * One publish on its way, and what its answer may honestly say at each stage: before the record is
 * handed to the producer nothing can have been written; after, only Kafka's acknowledgement and the
 * reader's decision tell. Whichever comes first, the answer or the deadline, wins; the other is a no-op.
 */
final class Attempt {

    private static final int WAITING = 0;
    private static final int HANDED_OVER = 1;
    private static final int DONE = 2;

    final PublishRequest request;
    final TopicPartition tp;
    final IdKey key;
    final CompletableFuture<PublishResult> result = new CompletableFuture<>();
    private final AtomicInteger stage = new AtomicInteger(WAITING);
    private volatile ScheduledFuture<?> deadline;

    Attempt(PublishRequest request, TopicPartition tp, IdKey key) {
        this.request = request;
        this.tp = tp;
        this.key = key;
    }

    void deadline(ScheduledFuture<?> timer) {
        this.deadline = timer;
        if (result.isDone()) {
            timer.cancel(false);
        }
    }

    /** The sender takes the attempt; false when it was already answered (its deadline passed). */
    boolean handOver() {
        return stage.compareAndSet(WAITING, HANDED_OVER);
    }

    void succeed(PublishResult r) {
        if (stage.getAndSet(DONE) != DONE) {
            cancelTimer();
            result.complete(r);
        }
    }

    void fail(ChorusException e) {
        if (stage.getAndSet(DONE) != DONE) {
            cancelTimer();
            result.completeExceptionally(e);
        }
    }

    /** The deadline: the answer depends on whether the record may have reached Kafka. */
    void expire() {
        int was = stage.getAndSet(DONE);
        if (was == WAITING) {
            result.completeExceptionally(new ChorusException(ErrorCode.KAFKA_UNAVAILABLE,
                    "Kafka could not take the publish within publish.timeout; nothing was written"));
        } else if (was == HANDED_OVER) {
            result.completeExceptionally(unknown("Kafka did not confirm the publish within publish.timeout"));
        }
    }

    static ChorusException unknown(String why) {
        return new ChorusException(ErrorCode.OUTCOME_UNKNOWN, why + "; publish again with the same id");
    }

    private void cancelTimer() {
        ScheduledFuture<?> t = deadline;
        if (t != null) {
            t.cancel(false);
        }
    }
}
