package io.chorus.gateway.feed;

import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turning what asynchronous Kafka and Vert.x calls fail with into the enumerated errors clients see. */
public final class Failures {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Failures.class);

    private Failures() {
    }

    /** The cause under the wrappers that futures add. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The error to report: a {@link ChorusException} as is, anything else as {@link ErrorCode#INTERNAL}. */
    public static ChorusException toChorus(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof ChorusException c) {
            return c;
        }
        if (cause instanceof org.apache.kafka.common.errors.RetriableException) {
            // Kafka says "try again" (a leader moving, a topic created a moment ago): so does the client.
            return new ChorusException(ErrorCode.KAFKA_UNAVAILABLE, "Kafka asked to retry: "
                    + cause.getClass().getSimpleName());
        }
        LOG.warn("unexpected failure answered as internal", cause);
        return new ChorusException(ErrorCode.INTERNAL, "unexpected server error");
    }
}
