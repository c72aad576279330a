package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Renders the snapshots of the channels it owns (ENGAGE.md, "Snapshots and messages"). */
public interface Renderer {

    /**
     * The snapshot of {@code channel} (without {@code seq}, which the runtime adds), or null when this
     * renderer does not own it.
     */
    ObjectNode render(String channel, Engagement ctx);
}
