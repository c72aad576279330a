package io.chorus.client;

/**
 * Hears who enters, updates and leaves a channel, for a subscription made with
 * {@link SubscribeOptions#withPresence(PresenceListener)}; on the client's delivery thread, in order.
 *
 * <p>The members present when the subscription starts arrive as {@code ENTER} events. After a
 * reconnect the client compares the server's fresh member list with the one it had and reports only
 * the differences, so a member that stayed (within the gateway's grace period) produces no event.
 * {@link Subscription#members()} is the list these events lead to.
 */
@FunctionalInterface
public interface PresenceListener {

    void onPresence(PresenceEvent event);

    /**
     * The channel has more members than the gateway lists ({@code presence.maxMembers}): there are
     * {@code count}, and no events come until the count is back under the cap. The client's member
     * list is now empty, with no {@code LEAVE} per member; drop yours too. When the list is available
     * again, its members arrive as {@code ENTER} events.
     */
    default void onMemberListUnavailable(String channel, long count) {
    }
}
