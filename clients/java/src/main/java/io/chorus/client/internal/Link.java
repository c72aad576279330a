package io.chorus.client.internal;

import java.util.function.Function;

/** What the subscription and publish bookkeeping may do with the current socket. Core thread only. */
public interface Link {

    /** True from the server's {@code connected} frame until the socket is lost. */
    boolean isUp();

    /** Sends a request; {@code frame} builds its text from the ref that the reply will carry. */
    void send(Requests.Pending pending, Function<String, String> frame);
}
