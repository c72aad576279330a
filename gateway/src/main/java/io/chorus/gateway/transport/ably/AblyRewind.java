package io.chorus.gateway.transport.ably;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code rewind} channel param (ATTACH {@code params}, RTL4k): a number of messages ({@code "10"}) or
 * a time interval ({@code "30s"}, {@code "1m"}, {@code "2h"}). Both ride on the session's
 * {@code rewind: N} (PROTOCOL.md), which delivers the channel's last N messages and then live with no gap:
 * a count is that N, at most {@code connection.maxRewind} (as Ably caps rewind at 100); an interval asks
 * for {@code maxRewind} and skips, in order, the rewound messages older than the interval, until the
 * first one inside it, after which everything passes, so nothing live is ever held back.
 */
record AblyRewind(int count, long intervalMs, String param) {

    private static final Pattern VALUE = Pattern.compile("(\\d{1,9})([smh]?)");

    /** Live: {@code rewind=0} (or an interval of 0) rewinds nothing. */
    boolean none() {
        return count == 0;
    }

    /** The rewind asked for; an {@link AblyRefusal} (40003) when the value is neither form. */
    static AblyRewind parse(String value, int maxRewind) {
        Matcher m = VALUE.matcher(value == null ? "" : value.trim());
        if (!m.matches()) {
            throw new AblyRefusal(AblyError.of(AblyCode.INVALID_PARAMETER_VALUE, "rewind must be a number of messages"
                    + " (\"10\") or an interval (\"30s\", \"1m\", \"2h\")"));
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2);
        if (unit.isEmpty()) {
            int count = (int) Math.min(n, maxRewind);
            return new AblyRewind(count, 0, Integer.toString(count));
        }
        long ms = n * switch (unit) {
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            default -> 3_600_000L;
        };
        return new AblyRewind(ms == 0 ? 0 : maxRewind, ms, n + unit);
    }

    /** For an interval: the record time before which rewound messages are skipped; 0 for a count. */
    long cutoff(long nowMs) {
        return intervalMs == 0 ? 0 : nowMs - intervalMs;
    }
}
