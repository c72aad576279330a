package io.chorus.gateway.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The dedup rule as the index applies it, on records built in memory (no broker needed). */
class IdIndexTest {

    private static final TopicPartition TP = new TopicPartition("chorus.t", 3);

    private static ConsumerRecord<byte[], byte[]> record(long offset, long ts, String channel, String id) {
        RecordHeaders h = new RecordHeaders();
        if (id != null) {
            h.add("chorus-id", id.getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>(TP.topic(), TP.partition(), offset, ts, TimestampType.CREATE_TIME, 0, 0,
                channel.getBytes(StandardCharsets.UTF_8), new byte[0], h, java.util.Optional.empty());
    }

    /** Feeds the records from the start of the partition; answers the offsets that are not delivered. */
    private static List<Long> dropped(IdIndex index, List<ConsumerRecord<byte[], byte[]>> log) {
        index.start(TP, 0);
        BitSet skip = index.observe(TP, log, log.get(log.size() - 1).offset() + 1);
        List<Long> out = new ArrayList<>();
        skip.stream().forEach(i -> out.add(log.get(i).offset()));
        return out;
    }

    @Test
    void aSecondRecordOfAChannelAndIdWithinTheWindowIsARepeatAndOnlyThere() {
        List<ConsumerRecord<byte[], byte[]>> log = List.of(
                record(0, 1000, "c:a", "m1"),
                record(1, 1001, "c:b", "m1"),     // same id, other channel: its own message
                record(2, 1002, "c:a", "m1"),     // repeat of 0
                record(3, 900, "c:a", "m1"),      // an earlier timestamp (another pod's clock): still a repeat
                record(4, 1000 + 5001, "c:a", "m1"), // past the time window: a new message
                record(5, 7000, "c:a", null),     // no id: never a repeat
                record(6, 7001, "c:a", null));
        assertEquals(List.of(2L, 3L), dropped(new IdIndex(5000, 1000), log));
    }

    @Test
    void theOffsetBoundEndsTheWindowToo() {
        List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();
        log.add(record(0, 0, "c:a", "m1"));
        for (int i = 1; i < 10; i++) {
            log.add(record(i, i, "c:x", "f" + i));
        }
        log.add(record(10, 10, "c:a", "m1")); // 10 offsets later, bound 10: repeat
        log.add(record(21, 21, "c:a", "m1")); // 11 offsets after the latest record of m1: a new message
        assertEquals(List.of(10L), dropped(new IdIndex(60_000, 10), log));
    }

    @Test
    void aReaderThatStartsMidLogAndPreReadsTheWindowDecidesLikeOneThatReadEverything() {
        Random random = new Random(14);
        List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            // Among random ids, one retried every 200 offsets for the whole log: a run of repeats that
            // began long before the late reader's pre-read.
            String id = i % 200 == 50 ? "again" : "m" + random.nextInt(400);
            log.add(record(i, i * 10L + random.nextInt(50), "c:" + random.nextInt(3), id));
        }
        int records = 300;
        List<Long> all = dropped(new IdIndex(3000, records), log);
        long end = 3000;
        IdIndex late = new IdIndex(3000, records);
        long from = late.start(TP, end);
        assertEquals(end - records, from, "the pre-read starts one window before the live start");
        BitSet skip = late.observe(TP, log.subList((int) from, log.size()), log.size());
        List<Long> lateDropped = new ArrayList<>();
        skip.stream().forEach(i -> {
            long offset = log.get((int) from + i).offset();
            if (offset >= end) {
                lateDropped.add(offset);
            }
        });
        assertEquals(all.stream().filter(o -> o >= end).toList(), lateDropped);
        assertFalse(lateDropped.isEmpty(), "the random log has repeats after the start");
    }

    @Test
    void aPublishWaitingForTheReaderLearnsWhichRecordIsDelivered() {
        IdIndex index = new IdIndex(60_000, 1000);
        index.start(TP, 0);
        IdKey key = IdKey.of("c:a".getBytes(StandardCharsets.UTF_8), "m1");
        CompletableFuture<Long> mine = index.decision(TP, key, 1);
        CompletableFuture<Long> theirs = index.decision(TP, key, 0);
        assertFalse(mine.isDone());
        index.observe(TP, List.of(record(0, 10, "c:a", "m1"), record(1, 11, "c:a", "m1")), 2);
        assertEquals(0L, mine.join(), "mine landed second: the first record is the message");
        assertEquals(0L, theirs.join());
        assertEquals(0L, index.lookup(TP, key, 20), "a later attempt is answered from the index");
        assertTrue(index.partition(TP).isRepeat(1), "readers of the past drop the repeat");
        assertFalse(index.partition(TP).isRepeat(0));
        assertEquals(0, index.partition(TP).knownFrom(), "read from the partition's start: every decision is known");
    }

    @Test
    void aPublishThatAsksAfterTheReaderSawItsRecordButBeforeTheBatchEndedIsAnsweredToo() {
        IdIndex index = new IdIndex(60_000, 1000);
        index.start(TP, 0);
        IdKey key = IdKey.of("c:a".getBytes(StandardCharsets.UTF_8), "m1");
        PartitionIds p = index.partition(TP);
        p.observe(key, 0, 10);
        p.observe(key, 1, 11);
        // The producer's acknowledgement arrives between the records and the end of the batch.
        CompletableFuture<Long> mine = index.decision(TP, key, 1);
        p.passed(2);
        assertEquals(0L, mine.join());
    }
}
