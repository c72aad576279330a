package io.chorus.ingest.engage.social;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Refusal;

/** Reading the social commands' fields; anything malformed is refused {@code invalid_command}. */
public final class Fields {

    private Fields() {
    }

    /**
     * A text field trimmed of surrounding white space, 1 to {@code maxChars} characters (code points, so an
     * emoji counts once, as a person would count it).
     */
    public static String text(Command c, String field, int maxChars) {
        String t = c.text(field).strip();
        int n = t.codePointCount(0, t.length());
        if (n < 1 || n > maxChars) {
            throw new Refusal(EngageError.INVALID_COMMAND,
                    "'" + field + "' must be 1 to " + maxChars + " characters (it has " + n + ")");
        }
        return t;
    }

    /** A required boolean. */
    public static boolean bool(Command c, String field) {
        JsonNode n = c.field(field);
        if (n == null || !n.isBoolean()) {
            throw new Refusal(EngageError.INVALID_COMMAND, "'" + field + "' must be true or false");
        }
        return n.asBoolean();
    }

    /** An optional boolean, or null when absent. */
    public static Boolean optionalBool(Command c, String field) {
        return c.field(field) == null ? null : bool(c, field);
    }

    /** An optional integer within {@code min..max}, or null when absent. */
    public static Long optionalInteger(Command c, String field, long min, long max) {
        if (c.field(field) == null) {
            return null;
        }
        return integer(c, field, min, max);
    }

    /** A required integer within {@code min..max}. */
    public static long integer(Command c, String field, long min, long max) {
        long v = c.integer(field);
        if (v < min || v > max) {
            throw new Refusal(EngageError.INVALID_COMMAND,
                    "'" + field + "' must be an integer from " + min + " to " + max);
        }
        return v;
    }
}
