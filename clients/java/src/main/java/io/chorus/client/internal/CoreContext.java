package io.chorus.client.internal;

import io.chorus.client.Backoff;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * What the subscription, publish, presence and token bookkeeping share with the core: the socket,
 * the codec, the delivery thread, timers, the core thread itself (for results of asynchronous work),
 * and the retry policy for requests the server refused as retryable.
 */
public record CoreContext(Link link, FrameCodec codec, Delivery delivery, Timers timers, Backoff backoff,
                          int retryLimit, Executor core) {

    /**
     * The wait before retry number {@code attempt}: the backoff draw, but never less than the
     * server's {@code retryAfterMs} (PROTOCOL.md: clients never retry sooner than that).
     */
    public Duration retryDelay(int attempt, long retryAfterMs) {
        Duration drawn = backoff.delay(attempt);
        return retryAfterMs > drawn.toMillis() ? Duration.ofMillis(retryAfterMs) : drawn;
    }
}
