package io.chorus.client.internal;

import io.chorus.client.PresenceEvent;
import io.chorus.client.PresenceEvent.Action;
import io.chorus.client.PresenceMember;
import io.chorus.client.PresenceMembers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One subscription's view of a channel's members, by client id, and the events that lead to it.
 * Presence events have no positions and are not replayed (PROTOCOL.md), so after a reconnect the
 * fresh {@code presence_sync} replaces the list and only the differences become events: a member
 * that stayed through the gateway's grace period is not seen to leave and enter again. Events are
 * normalized against the list, so the listener's view never diverges from {@link #snapshot()}: an
 * {@code enter} of a known member with the same data is dropped, an {@code update} of an unknown one
 * is an {@code ENTER}, a {@code leave} of an unknown one is dropped. The server caps the list
 * ({@code presence.maxMembers}), and so does {@link #MAX_MEMBERS} here. Core thread only.
 */
final class MemberList {

    /** Far above any sane presence.maxMembers; a server that sends more is broken, not trusted. */
    static final int MAX_MEMBERS = 100_000;

    private final String channel;
    private Map<String, PresenceMember> members = new LinkedHashMap<>();

    MemberList(String channel) {
        this.channel = channel;
    }

    /**
     * Replaces the list with a {@code presence_sync} and returns the differences. An incomplete sync
     * (over the cap) empties the list and returns no events: the caller says so in one call instead.
     */
    List<PresenceEvent> sync(PresenceMembers fresh) {
        Map<String, PresenceMember> next = new LinkedHashMap<>();
        if (fresh.complete()) {
            for (PresenceMember m : fresh.members()) {
                if (next.size() < MAX_MEMBERS) {
                    next.put(m.clientId(), m);
                }
            }
        }
        List<PresenceEvent> events = new ArrayList<>();
        if (fresh.complete()) {
            for (PresenceMember old : members.values()) {
                if (!next.containsKey(old.clientId())) {
                    events.add(new PresenceEvent(channel, Action.LEAVE, old));
                }
            }
            for (PresenceMember m : next.values()) {
                PresenceMember old = members.get(m.clientId());
                if (old == null) {
                    events.add(new PresenceEvent(channel, Action.ENTER, m));
                } else if (!old.data().equals(m.data())) {
                    events.add(new PresenceEvent(channel, Action.UPDATE, m));
                }
            }
        }
        members = next;
        return events;
    }

    /** Applies one {@code presence_event}; returns the event to report, or null when it changes nothing. */
    PresenceEvent apply(Action action, PresenceMember m) {
        PresenceMember old = members.get(m.clientId());
        if (action == Action.LEAVE) {
            return old == null ? null : new PresenceEvent(channel, Action.LEAVE, members.remove(m.clientId()));
        }
        if (old == null && members.size() >= MAX_MEMBERS) {
            return null;
        }
        members.put(m.clientId(), m);
        if (old == null) {
            return new PresenceEvent(channel, Action.ENTER, m);
        }
        return old.data().equals(m.data()) && action == Action.ENTER ? null : new PresenceEvent(channel, Action.UPDATE, m);
    }

    void clear() {
        members = new LinkedHashMap<>();
    }

    List<PresenceMember> snapshot() {
        return List.copyOf(members.values());
    }
}
