package io.chorus.client;

import java.util.List;

/**
 * A channel's members at one moment, across every gateway pod.
 *
 * @param channel  the channel
 * @param members  the members; empty when {@code complete} is false
 * @param count    how many members there are
 * @param complete false when the channel has more members than the gateway lists
 *                 ({@code presence.maxMembers}): then only {@code count} is known
 */
public record PresenceMembers(String channel, List<PresenceMember> members, long count, boolean complete) {

    public PresenceMembers {
        members = List.copyOf(members);
    }
}
