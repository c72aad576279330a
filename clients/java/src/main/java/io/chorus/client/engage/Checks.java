package io.chorus.client.engage;

import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The shape rules of ENGAGE.md that do not depend on ingest's configured limits, checked before a
 * command leaves so that a typo fails at once with {@code invalid_command} and a message naming the
 * field. Configured limits (options per poll, text lengths) stay ingest's to enforce.
 */
final class Checks {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private Checks() {
    }

    static EngageException invalid(String message) {
        return new EngageException(EngageErrorCode.INVALID_COMMAND, message);
    }

    static String id(String id, String what) {
        if (id == null || !ID.matcher(id).matches()) {
            throw invalid(what + " must be 1 to 32 characters of A-Z, a-z, 0-9, _ and -, was " + quote(id));
        }
        return id;
    }

    static String text(String text, String what) {
        if (text == null || text.isBlank()) {
            throw invalid(what + " must not be empty");
        }
        return text;
    }

    static int range(int value, int min, int max, String what) {
        if (value < min || value > max) {
            throw invalid(what + " must be in " + min + ".." + max + ", was " + value);
        }
        return value;
    }

    static <T> T notNull(T value, String what) {
        if (value == null) {
            throw invalid(what + " is required");
        }
        return value;
    }

    /** At least two options, each id valid and used once. */
    static List<Option> options(List<Option> options, String what) {
        notNull(options, what);
        if (options.size() < 2) {
            throw invalid(what + " needs at least 2 options, has " + options.size());
        }
        var seen = new HashSet<String>();
        for (Option o : options) {
            notNull(o, what + " entry");
            if (!seen.add(o.id())) {
                throw invalid(what + " has the option id " + quote(o.id()) + " twice");
            }
        }
        return List.copyOf(options);
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        return "'" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'";
    }
}
