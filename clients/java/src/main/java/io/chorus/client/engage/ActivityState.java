package io.chorus.client.engage;

import java.util.Locale;

/** An activity's state in snapshots: created, taking responses, closed, results revealed. */
public enum ActivityState {
    DRAFT, OPEN, CLOSED, RESULTS;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state for a wire name, or null. */
    public static ActivityState of(String code) {
        for (ActivityState s : values()) {
            if (s.code().equals(code)) {
                return s;
            }
        }
        return null;
    }
}
