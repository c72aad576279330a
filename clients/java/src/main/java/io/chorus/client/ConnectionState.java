package io.chorus.client;

/**
 * Where a client's connection stands. The only transitions are
 * {@code DISCONNECTED -> CONNECTING -> CONNECTED -> DISCONNECTED -> ...} while it retries, and from any
 * of those to one of the two terminal states.
 */
public enum ConnectionState {
    /** Not connected, and not given up: before {@code connect()}, or waiting out a backoff delay. */
    DISCONNECTED,
    /** A socket is being opened; the client waits for the server's {@code connected} frame. */
    CONNECTING,
    /** The server sent {@code connected}; subscriptions and publishes flow. */
    CONNECTED,
    /** Terminal: the server closed with a code in 4100-4199, which reconnecting would not fix. */
    FAILED,
    /** Terminal: the application called {@code close()}. */
    CLOSED;

    public boolean terminal() {
        return this == FAILED || this == CLOSED;
    }
}
