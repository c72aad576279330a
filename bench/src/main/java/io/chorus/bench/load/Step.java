package io.chorus.bench.load;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * One measured phase of a run. {@code base[c]} is the first per-channel serial published in the step:
 * anything below it is stale (left over from an earlier step, or a redelivery across a reconnect).
 * Latency is recorded for unique messages sent at or after {@code measureFrom} (after the warm-up).
 * When {@code expect} is set, a subscription that has received {@code expect[c]} unique messages
 * counts as caught up, and the time since the step started goes into {@code catchup}.
 */
public final class Step {

    final StepSpec spec;
    final long startRel;
    volatile long measureFrom = Long.MAX_VALUE;
    final Recorder latency = new Recorder(3);
    final Recorder catchup = new Recorder(3);
    /** Per message, the latency of its first delivery to any subscriber: the path without the fan-out. */
    final Recorder first = new Recorder(3);
    final java.util.Set<Long> firstSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final LongAdder unique = new LongAdder();
    final LongAdder dups = new LongAdder();
    final LongAdder stale = new LongAdder();
    final LongAdder caughtUp = new LongAdder();

    Step(StepSpec spec, long startRel) {
        this.spec = spec;
        this.startRel = startRel;
    }
}
