package io.chorus.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * The wire vocabulary ({@link ErrorCode}, {@link CloseReason}) as JSON, for what is not Java: the JS SDK
 * generates its tables from {@code schema/vocabulary.json}, and tests check that committed file against
 * these enums, so the other copies are generated or checked, never kept in step by hand.
 *
 * <p>The JSON is written here rather than by Jackson so that regenerating needs only this module's
 * classes on the class path: {@value #REGENERATE}.
 */
public final class Vocabulary {

    /** The one command, run from the repository root, that writes {@code schema/vocabulary.json} again. */
    public static final String REGENERATE =
            "mvn -q -o -pl schema compile && java -cp schema/target/classes io.chorus.schema.Vocabulary";

    private Vocabulary() {
    }

    /**
     * One entry per line, ordered by code like {@code PROTOCOL.md}'s tables, so that a change to an enum
     * is a one-line diff here.
     */
    public static String toJson() {
        String errors = Arrays.stream(ErrorCode.values())
                .sorted(Comparator.comparingInt(ErrorCode::code))
                .map(e -> String.format("    {\"name\": %s, \"code\": %d, \"httpStatus\": %d, \"retryable\": %b, \"meaning\": %s}",
                        quote(e.wireName()), e.code(), e.httpStatus(), e.retryable(), quote(e.meaning())))
                .collect(Collectors.joining(",\n"));
        String closes = Arrays.stream(CloseReason.values())
                .sorted(Comparator.comparingInt(CloseReason::code))
                .map(r -> String.format("    {\"name\": %s, \"code\": %d, \"reconnect\": %b}",
                        quote(r.wireName()), r.code(), r.reconnect()))
                .collect(Collectors.joining(",\n"));
        return "{\n"
                + "  \"generatedBy\": \"io.chorus.schema.Vocabulary from ErrorCode and CloseReason: do not edit, regenerate\",\n"
                + "  \"errors\": [\n" + errors + "\n  ],\n"
                + "  \"closeReasons\": [\n" + closes + "\n  ],\n"
                + String.format("  \"closeRanges\": {\"reconnect\": [%d, %d], \"terminal\": [%d, %d]}\n",
                        CloseReason.RECONNECT_FIRST, CloseReason.RECONNECT_LAST,
                        CloseReason.TERMINAL_FIRST, CloseReason.TERMINAL_LAST)
                + "}\n";
    }

    /** Writes the file: to the path given, else to {@code schema/vocabulary.json} from the repository root. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "schema/vocabulary.json");
        Files.writeString(out, toJson());
        System.out.println("wrote " + out);
    }

    static String quote(String text) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
