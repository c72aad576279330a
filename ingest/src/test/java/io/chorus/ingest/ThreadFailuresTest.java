package io.chorus.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadFailuresTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ThreadFailures failures = new ThreadFailures(meters, now::get);

    private double count(String cause, String response) {
        var c = meters.find("chorus.ingest.stream.thread.failures").tag("cause", cause).tag("response", response)
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aMissingTopicStopsAtOnceWhereverItIsWrapped() {
        StreamsException wrapped = new StreamsException(new MissingSourceTopicException("gone: chorus.engage-in"));
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, failures.handle(wrapped));
        assertEquals(1, count("missing_topic", "stop"));
        assertEquals(0, count("other", "replace"));
    }

    @Test
    void aThreadIsReplacedThreeTimesAMinuteAndTheFourthFailureStops() {
        RuntimeException bug = new IllegalStateException("a bug");
        for (int i = 0; i < ThreadFailures.MAX_REPLACEMENTS; i++) {
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.handle(bug), "failure " + (i + 1));
            now.addAndGet(10_000);
        }
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, failures.handle(bug));
        assertEquals(3, count("other", "replace"));
        assertEquals(1, count("repeated", "stop"));
    }

    @Test
    void failuresFurtherApartThanTheWindowAreEachReplaced() {
        RuntimeException bug = new IllegalStateException("a bug");
        for (int i = 0; i < 10; i++) {
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.handle(bug), "failure " + (i + 1));
            now.addAndGet(ThreadFailures.WINDOW_MS / ThreadFailures.MAX_REPLACEMENTS + 1);
        }
        assertEquals(10, count("other", "replace"));
        assertEquals(0, count("repeated", "stop"));
    }
}
