package io.chorus.schema;

/**
 * Every error the gateway reports, on any transport. The number's first three digits are the HTTP
 * status it maps to; {@code retryable} tells a client whether sending the same request again later can
 * succeed. {@code PROTOCOL.md} lists them; the names are the wire vocabulary. A change here is written
 * to {@code schema/vocabulary.json} by {@link Vocabulary} (tests fail until it is regenerated).
 */
public enum ErrorCode {
    TOKEN_REQUIRED(40101, "token_required", false, "this gateway does not accept anonymous clients: send a token"),
    TOKEN_INVALID(40102, "token_invalid", false, "the token is malformed, its algorithm or signature is refused"),
    TOKEN_EXPIRED(40103, "token_expired", true, "the token expired: get a new one and retry"),
    TOKEN_NOT_YET_VALID(40104, "token_not_yet_valid", true, "the token's nbf is in the future"),
    TOKEN_TOO_LARGE(40105, "token_too_large", false, "the token is longer than auth.maxTokenBytes"),
    FORBIDDEN(40302, "forbidden", false, "the token's capabilities do not allow this operation on this channel"),
    BAD_JSON(40001, "bad_json", false, "the frame or body is not a JSON object"),
    UNKNOWN_TYPE(40002, "unknown_type", false, "the frame's type is not one the server knows"),
    INVALID_FIELD(40003, "invalid_field", false, "a field is missing or has the wrong type or value"),
    INVALID_CHANNEL(40004, "invalid_channel", false, "the channel name breaks the naming rules"),
    INVALID_POSITION(40005, "invalid_position", false, "the position is malformed or belongs to another channel"),
    BINARY_NOT_SUPPORTED(40006, "binary_not_supported", false, "binary frames are not part of the protocol"),
    NOT_FOUND(40400, "not_found", false, "no such endpoint"),
    UNKNOWN_NAMESPACE(40401, "unknown_namespace", false, "no namespace of that name is configured"),
    NOT_SUBSCRIBED(40402, "not_subscribed", false, "the connection has no subscription to that channel"),
    NOT_PRESENT(40403, "not_present", false, "leave on a channel the connection has not entered"),
    PUBLISH_NOT_ALLOWED(40301, "publish_not_allowed", false, "the namespace does not accept client publishes"),
    METHOD_NOT_ALLOWED(40500, "method_not_allowed", false, "the endpoint does not take that HTTP method"),
    ALREADY_SUBSCRIBED(40901, "already_subscribed", false, "the connection already subscribes to that channel"),
    MESSAGE_TOO_LARGE(41301, "message_too_large", false, "the frame, body or message data is larger than allowed"),
    TOO_MANY_SUBSCRIPTIONS(42901, "too_many_subscriptions", true, "the connection reached its subscription limit"),
    RATE_LIMITED(42902, "rate_limited", true, "too many requests of this kind; retry after retryAfterMs"),
    INTERNAL(50001, "internal", true, "an unexpected server error"),
    KAFKA_UNAVAILABLE(50301, "kafka_unavailable", true, "Kafka did not answer in time; nothing was written"),
    OUTCOME_UNKNOWN(50401, "outcome_unknown", true,
            "Kafka did not confirm in time whether the publish was written: publish again with the same id"),
    BUSY(50302, "busy", true, "the server's bounded work queue for this request is full"),
    TOPIC_MISSING(50303, "topic_missing", true, "the namespace's Kafka topic does not exist"),
    OVERLOADED(50304, "overloaded", true, "the pod refuses new connections for now; retry after retryAfterMs"),
    DRAINING(50305, "draining", true, "the pod is shutting down; connect to another one");

    private final int code;
    private final String wireName;
    private final boolean retryable;
    private final String meaning;

    ErrorCode(int code, String wireName, boolean retryable, String meaning) {
        this.code = code;
        this.wireName = wireName;
        this.retryable = retryable;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String wireName() {
        return wireName;
    }

    public boolean retryable() {
        return retryable;
    }

    public String meaning() {
        return meaning;
    }

    public int httpStatus() {
        return code / 100;
    }

    public static ErrorCode byWireName(String name) {
        for (ErrorCode c : values()) {
            if (c.wireName.equals(name)) {
                return c;
            }
        }
        return null;
    }
}
