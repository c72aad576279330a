package io.chorus.ingest.stream;

import java.util.Locale;

/** Why a record went to the dead-letter topic: the {@code reason} label and header. */
enum DeadReason {
    /** No key, not UTF-8, not {@code engage-in:CODE} / {@code engage-ctl:CODE:ROLE}, or on the wrong topic. */
    BAD_KEY,
    /** Over {@code engage.limits.commandBytes}. */
    TOO_LARGE,
    /** Not a JSON object. */
    NOT_JSON,
    /** No textual {@code type}. */
    NO_TYPE,
    /** No usable {@code chorus-client} header (the sender). */
    NO_CLIENT,
    /** A {@code chorus-id} header that is not 1..128 printable characters. */
    BAD_ID,
    /** The handler threw something other than a refusal (a bug): the command changed nothing. */
    HANDLER_ERROR;

    String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
