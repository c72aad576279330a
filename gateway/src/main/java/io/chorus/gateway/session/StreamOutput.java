package io.chorus.gateway.session;

import io.chorus.gateway.feed.FeedMessage;
import io.chorus.gateway.subscription.Subscribed;
import io.chorus.schema.ChorusException;
import io.vertx.core.buffer.Buffer;

/**
 * What a fallback transport does with the events of a {@link StreamSession}. Each event comes with
 * the positions token of the whole channel set after it. Called on the request's event loop.
 */
public interface StreamOutput {

    /** The channel's subscription started; {@code frame} is its encoded {@code subscribed} object. */
    void subscribed(int channel, Subscribed answer, Buffer frame, String token);

    void message(FeedMessage message, String token);

    /** A subscription ended with this error ({@code frame} encodes it); the other channels go on. */
    void error(int channel, ChorusException error, Buffer frame, String token);

    boolean writable();

    void onWritable(Runnable action);

    /** The client must subscribe anew (see {@code MessageSink.overflow}). */
    void overflow();

    /** A subscription left the live path because the output was full. */
    default void fellBehind() {
    }
}
