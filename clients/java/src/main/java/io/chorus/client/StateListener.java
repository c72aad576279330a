package io.chorus.client;

/** Told of every {@link ConnectionState} change, on the client's delivery thread, in order. */
@FunctionalInterface
public interface StateListener {

    void onStateChange(ConnectionState state, StateReason reason);
}
