package io.chorus.bench.load;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/** What a fleet's subscribers report into: the current step and the fleet-wide counters. */
final class Receiver {

    final long epoch;
    volatile Step step;
    final LongAdder deliveries = new LongAdder();
    final LongAdder open = new LongAdder();
    final LongAdder closedUnexpectedly = new LongAdder();
    final LongAdder notResumed = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder ended = new LongAdder();
    final Map<Integer, LongAdder> closeCodes = new ConcurrentSkipListMap<>();
    /** The first few distinct failure texts, for the report. */
    final Map<String, Boolean> failureSamples = new ConcurrentHashMap<>();

    Receiver(long epoch) {
        this.epoch = epoch;
    }

    long nowRel() {
        return System.nanoTime() - epoch;
    }

    void failure(String what) {
        failures.increment();
        if (failureSamples.size() < 5) {
            failureSamples.putIfAbsent(what.length() > 300 ? what.substring(0, 300) : what, Boolean.TRUE);
        }
    }

    void closed(int code) {
        closeCodes.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    Counts counts() {
        Step s = step;
        return new Counts(deliveries.sum(), s == null ? 0 : s.unique.sum(), s == null ? 0 : s.dups.sum(),
                s == null ? 0 : s.stale.sum(), s == null ? 0 : s.caughtUp.sum(), open.sum(),
                closedUnexpectedly.sum(), notResumed.sum(), retries.sum(), failures.sum(), ended.sum());
    }
}
