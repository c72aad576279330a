package io.chorus.ingest.api;

/**
 * The join API's answers to requests it cannot serve (ENGAGE.md, "Join API"), with their HTTP
 * status. From {@code not_found} on they are the server's side: no such endpoint, an unexpected
 * failure, too many exports at once, Kafka not answering; retry the retryable ones later.
 */
public enum ApiError {
    INVALID_REQUEST(400, "invalid_request", false),
    TOKEN_INVALID(401, "token_invalid", false),
    FORBIDDEN(403, "forbidden", false),
    UNKNOWN_EVENT(404, "unknown_event", false),
    NOT_FOUND(404, "not_found", false),
    INTERNAL(500, "internal", true),
    BUSY(503, "busy", true),
    KAFKA_UNAVAILABLE(503, "kafka_unavailable", true);

    private final int status;
    private final String code;
    private final boolean retryable;

    ApiError(int status, String code, boolean retryable) {
        this.status = status;
        this.code = code;
        this.retryable = retryable;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }

    /** A refusal to answer with this error: thrown by request parsing, caught by the route. */
    public ApiException with(String message) {
        return new ApiException(this, message);
    }

    /** An {@link ApiError} with the message for the client. */
    public static final class ApiException extends RuntimeException {
        private final ApiError error;

        ApiException(ApiError error, String message) {
            super(message, null, false, false);
            this.error = error;
        }

        public ApiError error() {
            return error;
        }
    }
}
