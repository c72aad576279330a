package io.chorus.gateway.presence;

import io.vertx.core.buffer.Buffer;

/** A connection watching a channel's presence or occupancy; called from any thread, in order. */
public interface PresenceSink {

    /** Takes a frame; implementations hand it to their own event loop. */
    void presence(Buffer frame);
}
