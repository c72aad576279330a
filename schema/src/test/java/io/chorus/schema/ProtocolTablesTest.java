package io.chorus.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md's "Error codes" and "Close codes" tables are prose for people, so they are not generated;
 * this reads their rows and holds them to the enums, both ways.
 */
class ProtocolTablesTest {

    /** Tests run in the module's directory. */
    private static final Path PROTOCOL = Path.of("../PROTOCOL.md");
    private static final Pattern WIRE_NAME = Pattern.compile("^`([a-z_]+)`");

    @Test
    void everyErrorRowMatchesErrorCodeAndEveryErrorCodeHasARow() throws IOException {
        List<String> problems = new ArrayList<>();
        List<ErrorCode> seen = new ArrayList<>();
        for (List<String> row : table("## Error codes")) {
            int code = Integer.parseInt(row.get(0));
            String name = wireName(row.get(1));
            ErrorCode known = ErrorCode.byWireName(name);
            if (known == null) {
                problems.add("row " + code + " `" + name + "`: no ErrorCode has that name");
                continue;
            }
            seen.add(known);
            if (known.code() != code) {
                problems.add("row `" + name + "`: code " + code + ", ErrorCode." + known + " says " + known.code());
            }
            if (known.retryable() != yes(row.get(2))) {
                problems.add("row `" + name + "`: retryable '" + row.get(2) + "', ErrorCode." + known + " says " + known.retryable());
            }
        }
        problems.addAll(notOneRowEach(ErrorCode.values(), seen));
        assertEquals(List.of(), problems, "PROTOCOL.md \"Error codes\" disagrees with ErrorCode");
    }

    @Test
    void everyCloseRowMatchesCloseReasonAndEveryCloseReasonHasARow() throws IOException {
        List<String> problems = new ArrayList<>();
        List<CloseReason> seen = new ArrayList<>();
        for (List<String> row : table("### Close codes")) {
            int code = Integer.parseInt(row.get(0));
            CloseReason known = CloseReason.byCode(code);
            if (known == null) {
                // RFC 6455's own codes (1000, 1002, 1009) are listed for completeness; ours start at 4000.
                if (code >= CloseReason.RECONNECT_FIRST) {
                    problems.add("row " + code + ": no CloseReason has that code");
                }
                continue;
            }
            seen.add(known);
            String name = wireName(row.get(1));
            if (!known.wireName().equals(name)) {
                problems.add("row " + code + ": reason `" + name + "`, CloseReason." + known + " says " + known.wireName());
            }
            if (known.reconnect() != yes(row.get(2))) {
                problems.add("row " + code + ": reconnect '" + row.get(2) + "', CloseReason." + known + " says " + known.reconnect());
            }
        }
        problems.addAll(notOneRowEach(CloseReason.values(), seen));
        assertEquals(List.of(), problems, "PROTOCOL.md \"Close codes\" disagrees with CloseReason");
    }

    private static <E extends Enum<E>> List<String> notOneRowEach(E[] constants, List<E> seen) {
        List<String> problems = new ArrayList<>();
        for (E c : constants) {
            long rows = seen.stream().filter(c::equals).count();
            if (rows != 1) {
                problems.add(c.getDeclaringClass().getSimpleName() + "." + c + " has " + rows + " rows, not one");
            }
        }
        return problems;
    }

    /** The body rows of the first table after {@code heading}, each split into trimmed cells. */
    private static List<List<String>> table(String heading) throws IOException {
        List<String> lines = Files.readAllLines(PROTOCOL);
        int at = lines.indexOf(heading);
        assertFalse(at < 0, "PROTOCOL.md has no heading '" + heading + "'");
        int start = at + 1;
        while (start < lines.size() && !lines.get(start).startsWith("|")) {
            start++;
        }
        List<List<String>> rows = new ArrayList<>();
        // start is the header and start + 1 the separator row.
        for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i).trim();
            List<String> cells = new ArrayList<>();
            for (String cell : line.substring(1, line.length() - 1).split("\\|")) {
                cells.add(cell.trim());
            }
            rows.add(cells);
        }
        assertFalse(rows.isEmpty(), "no table rows under '" + heading + "'");
        return rows;
    }

    private static String wireName(String cell) {
        Matcher m = WIRE_NAME.matcher(cell);
        return m.find() ? m.group(1) : cell;
    }

    /** "yes", "yes, resume from positions", "yes; do not resend…" are yes; "no" is no. */
    private static boolean yes(String cell) {
        assertTrue(cell.startsWith("yes") || cell.startsWith("no"), "neither yes nor no: '" + cell + "'");
        return cell.startsWith("yes");
    }
}
