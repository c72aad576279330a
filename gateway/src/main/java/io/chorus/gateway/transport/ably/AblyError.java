package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;

/**
 * An ErrorInfo on the wire (TI1: {@code code}, {@code statusCode}, {@code message}), and the one place
 * where Chorus's error codes become Ably's. {@code retry}: whether the client may succeed by trying
 * again (a channel then goes SUSPENDED and reattaches, RTL13b, instead of FAILED, RTL14).
 */
public record AblyError(AblyCode code, String message, boolean retry) {

    public static AblyError of(AblyCode code, String message) {
        return new AblyError(code, message, code.statusCode() >= 500);
    }

    /** A feature of Ably's protocol that Chorus does not offer (yet): ABLY.md's table says which. */
    public static AblyError unsupported(String what) {
        return new AblyError(AblyCode.BAD_REQUEST, what + " is not supported by this Chorus gateway (see ABLY.md)",
                false);
    }

    /** A Chorus refusal in Ably's terms; {@code publish} picks the publish flavour of rate limits. */
    public static AblyError from(ChorusException e, boolean publish) {
        ErrorCode c = e.code();
        AblyCode a = switch (c) {
            case TOKEN_REQUIRED -> AblyCode.NO_VALID_AUTHENTICATION_METHOD;
            case TOKEN_INVALID, TOKEN_NOT_YET_VALID, TOKEN_TOO_LARGE -> AblyCode.TOKEN_ERROR;
            case TOKEN_EXPIRED -> AblyCode.TOKEN_EXPIRED;
            case FORBIDDEN, PUBLISH_NOT_ALLOWED -> AblyCode.CAPABILITY_DENIED;
            case INVALID_CHANNEL -> AblyCode.INVALID_CHANNEL_NAME;
            case UNKNOWN_NAMESPACE, NOT_FOUND -> AblyCode.NOT_FOUND;
            case MESSAGE_TOO_LARGE -> AblyCode.MAX_MESSAGE_SIZE_EXCEEDED;
            case TOO_MANY_SUBSCRIPTIONS -> AblyCode.TOO_MANY_CHANNELS;
            case RATE_LIMITED -> publish ? AblyCode.RATE_LIMIT_PER_CONNECTION_INBOUND : AblyCode.RATE_LIMIT_GENERIC;
            case INTERNAL -> AblyCode.INTERNAL_ERROR;
            // The write may have happened: retryable, and the SDK's retry carries the same message id.
            case OUTCOME_UNKNOWN -> AblyCode.TIMEOUT_ERROR;
            case TOPIC_MISSING -> AblyCode.INTERNAL_CHANNEL_ERROR;
            case KAFKA_UNAVAILABLE, DRAINING -> AblyCode.SERVICE_TEMPORARILY_UNAVAILABLE;
            case BUSY, OVERLOADED -> AblyCode.SERVER_TEMPORARILY_BUSY;
            case INVALID_POSITION -> AblyCode.CHANNEL_CONTINUITY_NOT_GUARANTEED;
            case BAD_JSON, UNKNOWN_TYPE, INVALID_FIELD, BINARY_NOT_SUPPORTED, NOT_SUBSCRIBED, NOT_PRESENT,
                 METHOD_NOT_ALLOWED, ALREADY_SUBSCRIBED -> AblyCode.BAD_REQUEST;
        };
        return new AblyError(a, e.getMessage() + " (chorus: " + c.wireName() + ")", c.retryable());
    }

    /** Why the session ends a connection, in Ably's terms (sent as DISCONNECTED or ERROR). */
    static AblyError closing(io.chorus.schema.CloseReason reason) {
        return switch (reason) {
            case IDLE_TIMEOUT -> of(AblyCode.CONNECTION_DISCONNECTED, "no activity from the client");
            case SERVER_SHUTDOWN -> new AblyError(AblyCode.SERVICE_TEMPORARILY_UNAVAILABLE,
                    "this gateway is shutting down: reconnect", true);
            case SLOW_CONSUMER -> new AblyError(AblyCode.CONTINUITY_LOST_RATE_EXCEEDED,
                    "the client did not read fast enough", true);
            case INTERNAL -> of(AblyCode.INTERNAL_CONNECTION_ERROR, "internal error");
            case TOKEN_EXPIRED -> of(AblyCode.TOKEN_EXPIRED, "the credentials expired");
            case UNAUTHORIZED -> new AblyError(AblyCode.INVALID_CREDENTIALS, "unauthorized", false);
            case POLICY_VIOLATION -> new AblyError(AblyCode.PROTOCOL_ERROR, "policy violation", false);
        };
    }

    void writeTo(ObjectNode parent) {
        parent.putObject("error").put("code", code.code()).put("statusCode", code.statusCode())
                .put("message", message);
    }
}
