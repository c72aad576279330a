package io.chorus.schema;

/** An error that maps onto one enumerated {@link ErrorCode}; its message is safe to send to clients. */
public class ChorusException extends RuntimeException {

    private final ErrorCode code;

    public ChorusException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
