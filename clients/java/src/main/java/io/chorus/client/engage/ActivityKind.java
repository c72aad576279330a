package io.chorus.client.engage;

import java.util.Locale;

/** The kinds of activity of ENGAGE.md; {@link #code()} is the wire name. */
public enum ActivityKind {
    CHOICE, RATING, RANKING, WORDCLOUD, TEXT, QUIZ;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind for a wire name, or null. */
    public static ActivityKind of(String code) {
        for (ActivityKind k : values()) {
            if (k.code().equals(code)) {
                return k;
            }
        }
        return null;
    }
}
