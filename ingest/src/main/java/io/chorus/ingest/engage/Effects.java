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

    /** An accepted response, kept for export ({@code GET /engage/events/CODE/export}). */
    void audit(String activity, ObjectNode response);
}
