package io.chorus.schema;

/** An error that maps onto one enumerated {@link ErrorCode}; its message is safe to send to clients. */
public class ChorusException extends RuntimeException {

    private final ErrorCode code;
    private final long retryAfterMs;

    public ChorusException(ErrorCode code, String message) {
        this(code, message, 0);
    }

    /** An error that says when trying again makes sense ({@code retryAfterMs} > 0). */
    public ChorusException(ErrorCode code, String message, long retryAfterMs) {
        super(message, null, false, false);
        this.code = code;
        this.retryAfterMs = retryAfterMs;
    }

    public ErrorCode code() {
        return code;
    }

    /** Milliseconds after which a retry may succeed; 0 when the error does not say. */
    public long retryAfterMs() {
        return retryAfterMs;
    }
}
