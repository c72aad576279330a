package io.chorus.client.engage;

import java.util.Locale;

/**
 * Every error the engagement API reports, as one enumeration so that an application branches on one
 * {@code code}: ingest's command refusals (ENGAGE.md "Commands"), the join API's HTTP errors (ENGAGE.md
 * "Join API"), and the few the SDK detects itself. The wire name is {@link #code()}. A test in
 * {@code dev/} checks the command codes against ingest's own enum, so this list is not a blind copy.
 */
public enum EngageErrorCode {
    // Ingest's reply errors.
    INVALID_COMMAND, TOO_LARGE, UNKNOWN_EVENT, UNKNOWN_ACTIVITY, ACTIVITY_EXISTS, ACTIVITY_NOT_OPEN,
    WRONG_ROUND, UNKNOWN_OPTION, TOO_MANY_CHOICES, ALREADY_VOTED, TOO_LATE, UNKNOWN_QUESTION, UNKNOWN_TEAM,
    BANNED, SLOW_MODE, RATE_LIMITED, MODERATED, NOT_IN_ROOM, LIMIT_REACHED, FORBIDDEN,
    // The join API's (FORBIDDEN and UNKNOWN_EVENT above are shared).
    INVALID_REQUEST, TOKEN_INVALID, NOT_FOUND, INTERNAL, BUSY, KAFKA_UNAVAILABLE,
    // The SDK's own.
    /** No reply within the command timeout; the command may still be applied, so retrying with its id is safe. */
    TIMEOUT,
    /** The gateway did not take the publish (the cause is its {@link io.chorus.schema.ChorusException}). */
    NOT_DELIVERED,
    /** The join API or the gateway's REST could not be reached, or answered something unreadable. */
    NETWORK_ERROR,
    /** The {@link Host} was closed before the outcome came. */
    CLOSED,
    /** The server sent a code this SDK does not know ({@link EngageException#serverCode()} has it). */
    UNEXPECTED;

    /** The wire name: {@code too_late}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the same request may succeed later without a change. */
    public boolean retryable() {
        return switch (this) {
            case TIMEOUT, BUSY, NETWORK_ERROR, RATE_LIMITED, SLOW_MODE, KAFKA_UNAVAILABLE, INTERNAL -> true;
            default -> false;
        };
    }

    /** The code for a wire name, or null when this SDK does not know it. */
    public static EngageErrorCode of(String code) {
        if (code == null) {
            return null;
        }
        for (EngageErrorCode c : values()) {
            if (c.code().equals(code)) {
                return c;
            }
        }
        return null;
    }
}
