package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/** Field checks shared by the rules: each refuses with {@code invalid_command} naming the field. */
public final class Check {

    /** Activity, option and entry ids. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private Check() {
    }

    /** A string of {@code min..max} characters (code points) after trimming, without control characters. */
    public static String text(JsonNode node, String field, int min, int max) {
        if (node == null || !node.isTextual()) {
            throw invalid("'" + field + "' must be a string");
        }
        String s = node.asText().strip();
        int n = s.codePointCount(0, s.length());
        if (n < min || n > max) {
            throw invalid("'" + field + "' must have " + min + " to " + max + " characters");
        }
        if (s.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
            throw invalid("'" + field + "' must not contain control characters");
        }
        return s;
    }

    /** An id matching {@link #ID}. */
    public static String id(JsonNode node, String field) {
        if (node == null || !node.isTextual() || !ID.matcher(node.asText()).matches()) {
            throw invalid("'" + field + "' must match [A-Za-z0-9_-]{1,32}");
        }
        return node.asText();
    }

    /** An optional boolean, else {@code otherwise}. */
    public static boolean bool(JsonNode node, String field, boolean otherwise) {
        if (node == null || node.isNull()) {
            return otherwise;
        }
        if (!node.isBoolean()) {
            throw invalid("'" + field + "' must be true or false");
        }
        return node.asBoolean();
    }

    /** An optional integer in {@code min..max}, else {@code otherwise}. */
    public static long integer(JsonNode node, String field, long min, long max, long otherwise) {
        if (node == null || node.isNull()) {
            return otherwise;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
            throw invalid("'" + field + "' must be an integer from " + min + " to " + max);
        }
        return node.asLong();
    }

    /** An optional string among {@code allowed}, else {@code otherwise}. */
    public static String oneOf(JsonNode node, String field, String otherwise, String... allowed) {
        if (node == null || node.isNull()) {
            return otherwise;
        }
        for (String a : allowed) {
            if (node.isTextual() && node.asText().equals(a)) {
                return a;
            }
        }
        throw invalid("'" + field + "' must be one of " + String.join(", ", allowed));
    }

    public static Refusal invalid(String message) {
        return new Refusal(EngageError.INVALID_COMMAND, message);
    }
}
