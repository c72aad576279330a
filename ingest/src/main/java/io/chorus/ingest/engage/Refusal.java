package io.chorus.ingest.engage;

/**
 * A command that cannot be applied: nothing it asked for changes state, and the sender gets
 * {@code {"type":"reply","ok":false,"error":{code,message[,retryAfterMs]}}}. Thrown by handlers before
 * they change anything.
 */
public final class Refusal extends RuntimeException {

    private final EngageError error;
    private final long retryAfterMs;

    public Refusal(EngageError error, String message) {
        this(error, message, 0);
    }

    public Refusal(EngageError error, String message, long retryAfterMs) {
        super(message, null, false, false);
        this.error = error;
        this.retryAfterMs = retryAfterMs;
    }

    public EngageError error() {
        return error;
    }

    /** When the same command may succeed later (slow mode, rate limits); 0 when it never will. */
    public long retryAfterMs() {
        return retryAfterMs;
    }
}
