package io.chorus.gateway.session;

import io.chorus.schema.CloseReason;
import io.vertx.core.buffer.Buffer;

/**
 * What the session needs from a transport: write one frame, know when the outbound buffer is full,
 * be told when it drained, close with a reason. Only {@code transport.*} knows Vert.x socket types.
 * All methods are called on the connection's event loop.
 */
public interface Transport {

    void send(Buffer frame);

    boolean writable();

    /** Runs the action on the event loop once writable (on the next turn when writable already). */
    void onWritable(Runnable action);

    void close(CloseReason reason);

    /**
     * Sends one heartbeat: the JSON {@code ping} (the client's watchdog needs it) and, where the
     * transport has one, its own ping that the client's stack answers by itself (WebSocket ping/pong),
     * so a healthy but quiet client is never taken for a dead one.
     */
    void heartbeat(Buffer jsonPing);

    /** A metric label: ws, sse, poll. */
    String kind();
}
