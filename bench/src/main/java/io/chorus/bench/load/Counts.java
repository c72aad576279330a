package io.chorus.bench.load;

/**
 * Counters of a fleet at one moment. {@code deliveries} counts every payload received since the
 * fleet started; the rest are for the current step, except the connection counters.
 */
public record Counts(long deliveries, long unique, long dups, long stale, long caughtUp,
                     long open, long closedUnexpectedly, long notResumed, long retries, long failures,
                     long subscriptionsEnded) {

    public static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public Counts plus(Counts o) {
        return new Counts(deliveries + o.deliveries, unique + o.unique, dups + o.dups, stale + o.stale,
                caughtUp + o.caughtUp, open + o.open, closedUnexpectedly + o.closedUnexpectedly,
                notResumed + o.notResumed, retries + o.retries, failures + o.failures,
                subscriptionsEnded + o.subscriptionsEnded);
    }
}
