package io.chorus.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The resume token of the fallback transports: the positions of a request's channels, in the order of
 * its {@code channel} parameters, joined by commas; an empty entry means "live". SSE uses it as each
 * event's {@code id:} (so {@code Last-Event-ID} resumes the whole set), long-polling as the
 * {@code positions} of each answer.
 */
public final class PositionsToken {

    private PositionsToken() {
    }

    /** Entries for {@code channels} channels; null entries are live. A null or empty token is all live. */
    public static List<Position> parse(String token, int channels) {
        if (token == null || token.isEmpty()) {
            return Collections.nCopies(channels, null);
        }
        if (token.length() > channels * (Position.MAX_TEXT_LENGTH + 1)) {
            throw new ChorusException(ErrorCode.INVALID_POSITION, "positions token is too long");
        }
        String[] parts = token.split(",", -1);
        if (parts.length != channels) {
            throw new ChorusException(ErrorCode.INVALID_POSITION, "positions token has " + parts.length
                    + " entries for " + channels + " channels");
        }
        List<Position> out = new ArrayList<>(channels);
        for (String p : parts) {
            out.add(p.isEmpty() ? null : Position.decode(p));
        }
        return out;
    }

    /** Joins encoded positions (null entries become empty). */
    public static String format(String[] positions) {
        StringBuilder b = new StringBuilder(positions.length * 32);
        for (int i = 0; i < positions.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            if (positions[i] != null) {
                b.append(positions[i]);
            }
        }
        return b.toString();
    }
}
