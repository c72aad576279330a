package io.chorus.ingest.stream;

import io.chorus.ingest.config.CommitConfig;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * When a processor asks Streams for a commit (ingest/README.md, "Commits while behind"). Streams commits
 * on its own every {@code kafka.commit.intervalBehind} ({@code commit.interval.ms}); a task that keeps
 * up and has processed a record since its last ask asks every {@code kafka.commit.interval}, and a task
 * more than {@code behindRecords} commands behind asks for nothing. A processor that asked for nothing
 * it processed must not ask: every punctuation marks its task as needing a commit, so an idle task's
 * ask would commit the whole thread at its own pace.
 * <p>
 * Pacing is off (Streams' interval only, and {@link #askIfKeepingUp} always asks, as before s26) in a
 * test driver ({@code backlogs} null) and when the two intervals are equal.
 */
final class CommitPacer {

    private final CommitConfig commit;
    private final Backlogs backlogs;
    private final IngestMetrics metrics;
    private final boolean paced;
    private ProcessorContext<?, ?> context;
    private boolean touched;
    /** The asks' timer (when pacing); null while no record came since the last turn. */
    private Cancellable timer;
    /** When this processor last asked (wall clock). */
    private long lastAskedMs = Long.MIN_VALUE / 2;

    CommitPacer(CommitConfig commit, Backlogs backlogs, IngestMetrics metrics) {
        this.commit = commit;
        this.backlogs = backlogs;
        this.metrics = metrics;
        this.paced = backlogs != null && commit.intervalBehind().compareTo(commit.interval()) > 0;
    }

    /** Remembers the context; the asks' timer starts with the first record (touched). */
    void init(ProcessorContext<?, ?> context) {
        this.context = context;
    }

    /**
     * The processor processed a record: it has something of its own to commit. When pacing, the asks of
     * a task that keeps up come from a timer, one per interval and none soon after another; it runs
     * while there are records, and the first turn without one stops it (a punctuation marks the task
     * as needing a commit, even one that asks for nothing).
     */
    void touched() {
        touched = true;
        if (paced && timer == null) {
            // Three quarters of the interval: punctuations do not come exactly one interval apart, and a
            // turn soon after the publish pass's ask would only add a commit.
            long soon = commit.interval().toMillis() * 3 / 4;
            timer = context.schedule(commit.interval(), PunctuationType.WALL_CLOCK_TIME, now -> {
                if (!touched) {
                    timer.cancel();
                    timer = null;
                    metrics.timerStopped("commit");
                } else if (now - lastAskedMs >= soon) {
                    askIfKeepingUp(now);
                }
            });
        }
    }

    /** Asks for a commit unless the task is behind; true when it asked. */
    boolean askIfKeepingUp(long now) {
        if (paced && backlogs.unread(context.taskId().partition()) > commit.behindRecords()) {
            metrics.commitDeferred();
            return false;
        }
        context.commit();
        touched = false;
        lastAskedMs = now;
        return true;
    }
}
