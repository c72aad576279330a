package io.chorus.ingest.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A task's unread commands come from its own thread's consumer, over its own partition number. */
class BacklogsTest {

    private static final String THREAD = "chorus-ingest-4f1c-StreamThread-1";

    /** {@code what} as the stream thread named {@code thread} would see it. */
    private static <T> T on(String thread, Supplier<T> what) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(what.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        }, thread);
        t.start();
        return result.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theUnreadRecordsOfTheTasksPartitionsOnItsOwnThreadsConsumer() throws Exception {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        TopicPartition in1 = new TopicPartition("chorus.engage-in", 1);
        TopicPartition ctl1 = new TopicPartition("chorus.engage-ctl", 1);
        TopicPartition byEvent1 = new TopicPartition("chorus-ingest-by-event-repartition", 1);
        TopicPartition in0 = new TopicPartition("chorus.engage-in", 0);
        consumer.assign(List.of(in1, ctl1, byEvent1, in0));
        consumer.updateBeginningOffsets(Map.of(in1, 0L, ctl1, 0L, byEvent1, 0L, in0, 0L));
        consumer.updateEndOffsets(Map.of(in1, 1_500L, ctl1, 7L, byEvent1, 40L, in0, 9_000L));
        consumer.seek(in1, 1_000L);
        consumer.seek(ctl1, 7L);
        consumer.seek(byEvent1, 0L);
        consumer.seek(in0, 0L);

        Backlogs backlogs = new Backlogs();
        backlogs.opened(THREAD + Backlogs.CONSUMER_SUFFIX, consumer);
        assertEquals(500L + 0 + 40, on(THREAD, () -> backlogs.unread(1)), "partition 1 of each input topic");
        assertEquals(9_000L, on(THREAD, () -> backlogs.unread(0)));
        assertEquals(0L, on(THREAD, () -> backlogs.unread(2)), "no partition 2 on this thread");
        assertEquals(-1L, on("chorus-ingest-4f1c-StreamThread-2", () -> backlogs.unread(1)),
                "another thread's consumer is not this one's");
        assertEquals(-1L, backlogs.unread(1), "not a stream thread");

        backlogs.closed(THREAD + Backlogs.CONSUMER_SUFFIX, new MockConsumer<>("earliest"));
        assertEquals(1, backlogs.size(), "another consumer's close leaves this one");
        backlogs.closed(THREAD + Backlogs.CONSUMER_SUFFIX, consumer);
        assertEquals(0, backlogs.size(), "a closed consumer is forgotten (a replaced thread leaves nothing behind)");
        assertEquals(-1L, on(THREAD, () -> backlogs.unread(1)));
    }
}
