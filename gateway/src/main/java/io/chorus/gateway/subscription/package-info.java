/**
 * Subscriptions: where a subscriber's delivery starts (live, since a position, rewind), the catch-up
 * from the cache or Kafka and the hand-over to live without gap or duplicate, and the fan-out of
 * each live batch to the subscribers of every event loop ({@link io.chorus.gateway.subscription.Hub},
 * one {@link io.chorus.gateway.subscription.Shard} per event loop).
 */
package io.chorus.gateway.subscription;
