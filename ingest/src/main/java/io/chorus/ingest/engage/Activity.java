package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An activity as stored under {@code CODE|activity|ID}: what the host created and where it is in its
 * lifecycle ({@code draft → open → closed → results}; a rerun opens round {@code round + 1}).
 *
 * @param definition the kind's normalized definition ({@link ActivityKind#define})
 * @param settings   {@code allowChange}, {@code results} ({@code live}, {@code voted}, {@code closed}),
 *                   {@code scope} ({@code event}, {@code rooms})
 * @param openedAt   the timestamp of the command that opened the current round (0 in draft)
 */
public record Activity(String event, String id, String kind, String title, String state, int round,
                       ObjectNode definition, ObjectNode settings, long openedAt) {

    public static final String DRAFT = "draft";
    public static final String OPEN = "open";
    public static final String CLOSED = "closed";
    public static final String RESULTS = "results";

    /** Not stored: Jackson would write it as an {@code open} field that a strict reader refuses. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isOpen() {
        return OPEN.equals(state);
    }

    public Activity withState(String next, int nextRound, long at) {
        return new Activity(event, id, kind, title, next, nextRound, definition, settings, at);
    }

    /** The store key of an activity. */
    public static String key(String event, String id) {
        return Kv.key(event, "activity", id);
    }
}
