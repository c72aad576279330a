package io.chorus.gateway.session;

import io.chorus.schema.CloseReason;
import io.vertx.core.buffer.Buffer;

/**
 * What a {@link Session} needs from a transport: write one frame of a kind, know when the outbound
 * buffer is full and be told when it drained, send a heartbeat, close with a reason. WebSocket, SSE and
 * long-polling implement it; only {@code transport.*} knows Vert.x and Netty socket types. All methods
 * are called on the connection's event loop.
 */
public interface Transport {

    void send(Out kind, Buffer frame);

    boolean writable();

    /** Runs the action on the event loop once writable (on the next turn when writable already). */
    void onWritable(Runnable action);

    /**
     * Ends the connection for this reason, each transport in its own way (WebSocket: a close frame with
     * the reason's code; SSE: a last {@code error} event with the matching error, then the end of the
     * response; long-poll: the answer, or the error for a refused token). The session releases
     * everything itself right after.
     */
    void close(CloseReason reason);

    /**
     * Sends one heartbeat: the JSON {@code ping} (the client's watchdog needs it) and, where the
     * transport has one, its own ping that the client's stack answers by itself (WebSocket ping/pong),
     * so a healthy but quiet client is never taken for a dead one. A long-poll needs none.
     */
    void heartbeat(Buffer jsonPing);

    /**
     * Whether the client can send on this transport (WebSocket). Only then does silence mean a dead
     * connection (the idle timeout); SSE and long-poll clients never send on their response.
     */
    boolean duplex();

    /** A metric label: ws, sse, poll. */
    String kind();
}
