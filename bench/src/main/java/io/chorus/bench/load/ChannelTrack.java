package io.chorus.bench.load;

import java.util.BitSet;

/**
 * What one subscription received in the current step, by per-channel serial. Reset lazily when the
 * first message of a new step arrives. Touched only on the subscriber's event loop.
 */
final class ChannelTrack {

    final int channel;
    private Step step;
    private long base;
    private long unique;
    private final BitSet seen = new BitSet();

    ChannelTrack(int channel) {
        this.channel = channel;
    }

    void accept(Step s, long seq, long sentRel, long nowRel) {
        if (step != s) {
            step = s;
            base = s.spec.base()[channel];
            seen.clear();
            unique = 0;
        }
        long i = seq - base;
        if (i < 0) {
            s.stale.increment();
            return;
        }
        if (i > Integer.MAX_VALUE - 1 || seen.get((int) i)) {
            s.dups.increment();
            return;
        }
        seen.set((int) i);
        unique++;
        s.unique.increment();
        if (sentRel >= s.measureFrom) {
            long micros = Math.max(1, (nowRel - sentRel) / 1000);
            s.latency.recordValue(micros);
            if (s.firstSeen.add(((long) channel << 40) | seq)) {
                s.first.recordValue(micros);
            }
        }
        long[] expect = s.spec.expect();
        if (expect != null && unique == expect[channel]) {
            s.caughtUp.increment();
            s.catchup.recordValue(Math.max(1, (nowRel - s.startRel) / 1000));
        }
    }
}
