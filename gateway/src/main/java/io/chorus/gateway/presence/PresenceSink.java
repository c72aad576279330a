package io.chorus.gateway.presence;

import io.vertx.core.buffer.Buffer;

/** A connection watching a channel's presence or occupancy; called from any thread, in order. */
public interface PresenceSink {

    /**
     * Takes a frame of {@code type} ({@code presence_sync}, {@code presence_event} or {@code occupancy});
     * implementations hand it to their own event loop. {@code change} is false for the first frame of a
     * watch (the state as it was when the watch began) and true for every later one (the state moved).
     */
    void presence(String type, Buffer frame, boolean change);
}
