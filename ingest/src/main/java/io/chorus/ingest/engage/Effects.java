package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a command causes besides state: written in the same transaction as the state.
 */
public interface Effects {

    /**
     * The snapshot on {@code channel} changed: the {@link Renderer} that owns it renders it at the next
     * publish interval (conflated: many changes, one snapshot, each with the channel's next {@code seq}).
     */
    void changed(String channel);

    /** A message written now, in order, never conflated: a chat message, a room assignment. */
    void send(String channel, ObjectNode message);

    /**
     * An accepted response to round {@code round} of {@code activity}, kept for export
     * ({@code GET /engage/events/CODE/export}).
     */
    void audit(String activity, int round, ObjectNode response);

    /**
     * No rule reads the state under {@code prefix} any more (an old round's): the runtime deletes it in
     * the background, a bounded number of keys per run, so a round of any size never makes one large
     * transaction. The prefix is {@code CODE|part|...|} with at least three parts; rule tests may ignore it.
     */
    default void forget(String prefix) {
    }
}
