package io.chorus.bench.wire;

import io.vertx.core.buffer.Buffer;

/** What a {@link Dialect} sees of one subscriber connection. Called on the connection's event loop. */
public interface Conn {

    int channelCount();

    /** The channel (room) name of the connection's {@code local}-th subscription. */
    String channelName(int local);

    /** The position to resume the {@code local}-th subscription from, or null for live. */
    String since(int local);

    /** Whether the dialect should read each message's position (resume scenarios only). */
    boolean tracksPositions();

    void send(String text);

    /** The {@code local}-th subscription is live; {@code resumed} is null unless it asked for {@code since}. */
    void subscribed(int local, String position, Boolean resumed);

    /** The server refused the {@code local}-th subscription; a retryable refusal is tried again later. */
    void subscribeFailed(int local, String frame, boolean retryable);

    /**
     * The server ended the live {@code local}-th subscription (an {@code error} with a channel and no
     * ref); a retryable end is resubscribed from the last position, as an SDK does.
     */
    void subscriptionEnded(int local, String frame, boolean retryable);

    /** A frame holding a payload at or after {@code from}; returns the local subscription index or -1. */
    int payload(Buffer frame, int from);

    void position(int local, String position);

    /** The server broke the dialect's protocol or ended the session; the connection is dropped. */
    void protocolError(String what);
}
