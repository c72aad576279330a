package io.chorus.gateway.transport.ably;

/**
 * The Ably error codes Chorus answers with, each with the HTTP status Ably pairs it with. Their meanings
 * are defined in Ably's error catalogue, github.com/ably/ably-common, {@code protocol/errors.json} (one
 * page per code in {@code errors/codes/<code>.md}); ABLY.md lists when Chorus uses each.
 */
public enum AblyCode {
    BAD_REQUEST(40000, 400),
    INVALID_PARAMETER_VALUE(40003, 400),
    MAX_MESSAGE_SIZE_EXCEEDED(40009, 400),
    INVALID_CHANNEL_NAME(40010, 400),
    INVALID_CLIENT_ID(40012, 400),
    INVALID_DATA_OR_ENCODING(40013, 400),
    INVALID_MESSAGE_NAME(40016, 400),
    UNSUPPORTED_PROTOCOL_VERSION(40017, 400),
    INVALID_CLIENT_SPECIFIED_MESSAGE_ID(40031, 400),
    TOO_MANY_MESSAGES_IN_ONE_PUBLISH(40034, 400),
    INVALID_CREDENTIALS(40101, 401),
    INCOMPATIBLE_CREDENTIALS(40102, 401),
    TIMESTAMP_NOT_CURRENT(40104, 401),
    NONCE_VALUE_REPLAYED(40105, 401),
    NO_VALID_AUTHENTICATION_METHOD(40106, 401),
    KEY_NOT_RECOGNIZED(40130, 401),
    TOKEN_ERROR(40140, 401),
    TOKEN_EXPIRED(40142, 401),
    INVALID_JWT_FORMAT(40144, 401),
    CAPABILITY_DENIED(40160, 401),
    NOT_FOUND(40400, 404),
    RATE_LIMIT_GENERIC(42910, 429),
    RATE_LIMIT_PER_CONNECTION_INBOUND(42911, 429),
    RATE_LIMIT_PER_CONNECTION_INBOUND_FATAL(42921, 429),
    INTERNAL_ERROR(50000, 500),
    INTERNAL_CHANNEL_ERROR(50001, 500),
    INTERNAL_CONNECTION_ERROR(50002, 500),
    TIMEOUT_ERROR(50003, 500),
    SERVER_TEMPORARILY_BUSY(50004, 503),
    SERVICE_TEMPORARILY_UNAVAILABLE(50005, 503),
    CONNECTION_DISCONNECTED(80003, 400),
    PROTOCOL_ERROR(80013, 400),
    CONNECTION_CLOSED(80017, 400),
    INVALID_CONNECTION_KEY(80018, 400),
    CONTINUITY_LOST_RATE_EXCEEDED(80020, 400),
    CHANNEL_CONTINUITY_NOT_GUARANTEED(90003, 400),
    TOO_MANY_CHANNELS(90010, 400);

    private final int code;
    private final int statusCode;

    AblyCode(int code, int statusCode) {
        this.code = code;
        this.statusCode = statusCode;
    }

    public int code() {
        return code;
    }

    public int statusCode() {
        return statusCode;
    }
}
