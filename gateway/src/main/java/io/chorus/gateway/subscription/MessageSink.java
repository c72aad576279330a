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

    /** The connection's outbound buffer is full while live messages keep coming: it is too slow. */
    void overflow();
}
