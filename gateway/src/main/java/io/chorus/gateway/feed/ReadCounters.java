package io.chorus.gateway.feed;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a reader of the past did, for its metrics: passes over partitions, the reads they served (more
 * reads than passes means reads were shared), records read from Kafka, seeks, and polls that came back
 * empty (with catch-up consumers that never wait for new data, a sign that Kafka was slow to answer),
 * records read only for the dedup rule's window, and the repeats dropped.
 */
public final class ReadCounters {

    final LongAdder passes = new LongAdder();
    final LongAdder reads = new LongAdder();
    final LongAdder records = new LongAdder();
    final LongAdder seeks = new LongAdder();
    final LongAdder emptyPolls = new LongAdder();
    final LongAdder windowRecords = new LongAdder();
    final LongAdder repeats = new LongAdder();

    public long passes() {
        return passes.sum();
    }

    public long reads() {
        return reads.sum();
    }

    public long records() {
        return records.sum();
    }

    public long seeks() {
        return seeks.sum();
    }

    public long emptyPolls() {
        return emptyPolls.sum();
    }

    /** Records read only to apply the dedup rule: the window before a read's start (counted in records too). */
    public long windowRecords() {
        return windowRecords.sum();
    }

    /** Repeats of a message id found and dropped (the dedup rule, as every reader applies it). */
    public long repeats() {
        return repeats.sum();
    }
}
