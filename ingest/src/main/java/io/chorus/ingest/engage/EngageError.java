package io.chorus.ingest.engage;

import java.util.Locale;

/** Why a command was refused: the enumerated codes of ENGAGE.md, sent in a {@code reply}. */
public enum EngageError {
    INVALID_COMMAND, TOO_LARGE, UNKNOWN_EVENT, UNKNOWN_ACTIVITY, ACTIVITY_EXISTS, ACTIVITY_NOT_OPEN,
    WRONG_ROUND, UNKNOWN_OPTION, TOO_MANY_CHOICES, ALREADY_VOTED, TOO_LATE, UNKNOWN_QUESTION, UNKNOWN_TEAM,
    BANNED, SLOW_MODE, RATE_LIMITED, MODERATED, NOT_IN_ROOM, LIMIT_REACHED, FORBIDDEN;

    /** The wire name: {@code too_late}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
