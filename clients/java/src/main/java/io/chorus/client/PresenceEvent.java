package io.chorus.client;

/**
 * A change to a channel's members, as a {@link PresenceListener} hears it.
 *
 * @param channel the channel
 * @param action  what happened
 * @param member  the member after the change; for {@link Action#LEAVE}, as it was last known
 */
public record PresenceEvent(String channel, Action action, PresenceMember member) {

    public enum Action {
        /** A client id that was not a member is one now. */
        ENTER,
        /** A member's data changed. */
        UPDATE,
        /** A member is gone: it left, or its last connection closed and the grace period ran out. */
        LEAVE
    }
}
