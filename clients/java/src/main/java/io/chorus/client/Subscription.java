package io.chorus.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One channel subscription of a {@link ChorusClient}; it survives reconnects until unsubscribed. */
public interface Subscription {

    String channel();

    /**
     * Completes with the server's first answer, or exceptionally: with a
     * {@link io.chorus.schema.ChorusException} carrying the {@link io.chorus.schema.ErrorCode} when
     * the server (or a local check) refuses the subscribe; with {@link IllegalStateException} when
     * the client closes or fails first; with {@link java.util.concurrent.CancellationException}
     * after an {@link #unsubscribe()} that came first.
     */
    CompletableFuture<SubscribeResult> ready();

    /**
     * The position of the last message handed to the listener (set just before the listener sees it),
     * or before the first message the position delivery started at; null until then. Store it to
     * resume with {@link SubscribeOptions#since(String)} in a later session.
     */
    String lastPosition();

    /**
     * The channel's members as of the presence callback being made or last made: updated on the
     * delivery thread just before each callback; for a member list (the first one, or a fresh one
     * after a reconnect) the whole list is in place before its first event. Empty for a subscription
     * without presence, before the first member list, and while the list is unavailable (over the cap).
     */
    List<PresenceMember> members();

    /**
     * Stops delivery at once (no listener call for this subscription starts after this returns; one
     * already running on the delivery thread finishes) and tells the server. The future completes when
     * the server confirmed, or as soon as the client sees it has nothing to tell (not connected).
     */
    CompletableFuture<Void> unsubscribe();
}
