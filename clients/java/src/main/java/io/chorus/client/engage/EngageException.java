package io.chorus.client.engage;

/**
 * A refused or failed engagement request. {@link #code()} is the enumerated reason; for a command,
 * {@link #commandId()} is its id, which can be sent again ({@link Host#send(StaffCommand, String)}):
 * ingest applies an id at most once, so a retry after a {@code timeout} never doubles an effect.
 */
public final class EngageException extends RuntimeException {

    private final EngageErrorCode code;
    private final String commandId;
    private final long retryAfterMs;
    private final String serverCode;

    public EngageException(EngageErrorCode code, String message) {
        this(code, message, null, 0, null, null);
    }

    EngageException(EngageErrorCode code, String message, String commandId, long retryAfterMs, String serverCode,
                    Throwable cause) {
        super(message, cause);
        this.code = code;
        this.commandId = commandId;
        this.retryAfterMs = retryAfterMs;
        this.serverCode = serverCode;
    }

    public EngageErrorCode code() {
        return code;
    }

    /** The command's id, or null when the error is not about a command. */
    public String commandId() {
        return commandId;
    }

    /** Milliseconds to wait before trying again ({@code slow_mode}, {@code rate_limited}); 0 when not said. */
    public long retryAfterMs() {
        return retryAfterMs;
    }

    /** The code as the server sent it (differs from {@link #code()} only for {@code unexpected}). */
    public String serverCode() {
        return serverCode != null ? serverCode : code.code();
    }

    public boolean retryable() {
        return code.retryable();
    }

    @Override
    public String toString() {
        return "EngageException[" + serverCode() + (commandId != null ? ", command " + commandId : "") + "]: "
                + getMessage();
    }
}
