package io.chorus.client.internal;

import io.chorus.client.Backoff;

/**
 * What the subscription and publish bookkeeping share with the core: the socket, the codec, the
 * delivery thread, timers, and the retry policy for requests the server refused as retryable.
 */
public record CoreContext(Link link, FrameCodec codec, Delivery delivery, Timers timers, Backoff backoff,
                          int retryLimit) {
}
