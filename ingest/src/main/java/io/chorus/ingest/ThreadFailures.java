package io.chorus.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What ingest does when an exception escapes a stream thread. A passing fault (a bug one command
 * triggered, a broker that went away mid-commit) replaces the thread, which resumes from the last commit;
 * exactly-once makes the retry harmless. A fault that a new thread meets again at once must not become a
 * loop that replaces threads as fast as they start (before this class, missing command topics made ingest
 * replace its thread about six times a second, on a core, while {@code /health/live} said up). So:
 * missing source topics stop the client at once, and more than {@link #MAX_REPLACEMENTS} replacements
 * within {@link #WINDOW_MS} stop it too. A stopped client is Streams' {@code ERROR} state: ingest's
 * {@code /health/live} answers 503 and the orchestrator restarts the pod, whose start-up check names what
 * is missing ({@code Topics.localPartitions}).
 */
final class ThreadFailures implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadFailures.class);
    /** Replacements allowed within {@link #WINDOW_MS}; the next failure in the window stops the client. */
    static final int MAX_REPLACEMENTS = 3;
    static final long WINDOW_MS = 60_000;

    private final LongSupplier clockMs;
    private final MeterRegistry registry;
    /** When the recent replacements happened; never more than {@link #MAX_REPLACEMENTS}. */
    private final ArrayDeque<Long> recent = new ArrayDeque<>();

    ThreadFailures(MeterRegistry registry, LongSupplier clockMs) {
        this.registry = registry;
        this.clockMs = clockMs;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable e) {
        if (causedBy(e, MissingSourceTopicException.class)) {
            LOG.error("a command topic is missing: ingest stops (create the topics, or set kafka.createTopics in dev)",
                    e);
            return counted(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, "missing_topic");
        }
        long now = clockMs.getAsLong();
        while (!recent.isEmpty() && now - recent.peekFirst() >= WINDOW_MS) {
            recent.removeFirst();
        }
        if (recent.size() >= MAX_REPLACEMENTS) {
            LOG.error("a stream thread failed {} times within {} s: ingest stops", MAX_REPLACEMENTS + 1,
                    WINDOW_MS / 1000, e);
            return counted(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, "repeated");
        }
        recent.addLast(now);
        LOG.warn("a stream thread failed; it is replaced and resumes from the last commit", e);
        return counted(StreamThreadExceptionResponse.REPLACE_THREAD, "other");
    }

    private StreamThreadExceptionResponse counted(StreamThreadExceptionResponse response, String cause) {
        Counter.builder("chorus.ingest.stream.thread.failures")
                .description("Exceptions that ended a stream thread, by cause and what ingest did")
                .tag("cause", cause)
                .tag("response", response == StreamThreadExceptionResponse.REPLACE_THREAD ? "replace" : "stop")
                .register(registry).increment();
        return response;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
