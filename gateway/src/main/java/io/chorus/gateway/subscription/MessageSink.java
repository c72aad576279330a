package io.chorus.gateway.subscription;

import io.chorus.gateway.feed.FeedMessage;

/**
 * Where a subscription's messages go: the connection, seen through the one small interface that every
 * transport implements. Called on the connection's event loop only.
 */
public interface MessageSink {

    /** Writes the message's pre-encoded frame. */
    void send(FeedMessage message);

    /** False while the connection's outbound buffer is full; catch-up waits for {@link #onWritable}. */
    boolean writable();

    void onWritable(Runnable action);

    /**
     * The subscriber cannot go on without a new subscribe: records it had not read yet were removed
     * by retention while it was behind. The connection tells the client to come back (WebSocket:
     * close with slow_consumer; SSE: end the stream; long-poll: answer now), and the new subscribe
     * says resumed:false.
     */
    void overflow();

    /** A flush of conflated messages went out (metrics). */
    default void conflated(java.util.List<FeedMessage> messages) {
    }

    /** The subscriber's buffer was full, so it left the live path to catch up at its own pace. */
    default void fellBehind() {
    }
}
