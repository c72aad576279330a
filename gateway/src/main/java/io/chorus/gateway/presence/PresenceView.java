package io.chorus.gateway.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every pod's share of every channel, merged into the members and counts clients see. Not thread-safe:
 * {@link PresenceService} calls it under its lock. Changes come back as {@link Change}s:
 *
 * <ul>
 *   <li>a client id that appears in any live share is present; its data is the most recently set;</li>
 *   <li>one that disappears because it left explicitly, or because its pod's lease ran out, leaves at
 *       once; one that disappears otherwise (its connection closed) stays for the grace period and
 *       leaves only if no share brings it back before then;</li>
 *   <li>above {@code maxMembers} (or when a pod sent counts only) the channel is incomplete: no
 *       member events, only a {@link Change.Sync} when it crosses the cap either way.</li>
 * </ul>
 */
final class PresenceView {

    sealed interface Change {
        String channel();

        /** {@code digest}: the channel's {@link MemberDigest} once this event is applied. */
        record Event(String channel, String action, Member member, String digest) implements Change {
        }

        /** The member list must be sent again whole (it crossed the cap). */
        record Sync(String channel) implements Change {
        }
    }

    private record Share(long expiresAt, int subscribers, int count, Map<String, Member> members) {
    }

    private static final class Channel {
        final Map<String, Share> pods = new HashMap<>();
        final Map<String, Member> present = new HashMap<>();
        final Map<String, Long> leaving = new HashMap<>();
        boolean complete = true;
        /** The {@link MemberDigest} sum over {@code present}, kept up to date one member at a time. */
        long digest;
        int count;
        int subscribers;

        boolean idle() {
            return pods.isEmpty() && leaving.isEmpty() && present.isEmpty();
        }

        /** The earliest lease or grace period this channel holds that will run out. */
        long due() {
            long due = Long.MAX_VALUE;
            for (Share s : pods.values()) {
                due = Math.min(due, s.expiresAt);
            }
            for (long deadline : leaving.values()) {
                due = Math.min(due, deadline);
            }
            return due;
        }
    }

    private final Map<String, Channel> channels = new HashMap<>();
    private final int maxMembers;
    private final int maxChannels;
    private final long graceMs;
    private long dropped;
    /**
     * No lease or grace period held ends before this ({@code Long.MAX_VALUE}: none is held), so no
     * sweep is needed until then. Lowered as shares and grace periods arrive, recomputed by each sweep;
     * it may be early (a share renewed or a member back), never late.
     */
    private long nextDue = Long.MAX_VALUE;

    PresenceView(int maxMembers, int maxChannels, long graceMs) {
        this.maxMembers = maxMembers;
        this.maxChannels = maxChannels;
        this.graceMs = graceMs;
    }

    /** Applies a pod's share, written at {@code timestamp}; returns what clients must be told. */
    List<Change> apply(ShareRecord r, long timestamp, long now) {
        List<Change> out = new ArrayList<>();
        Channel c = channels.get(r.channel());
        if (c == null) {
            if (r.empty()) {
                return out;
            }
            if (channels.size() >= maxChannels) {
                dropped++;
                return out;
            }
            c = new Channel();
            channels.put(r.channel(), c);
        }
        long expiresAt = timestamp + r.leaseMs();
        if (r.empty() || expiresAt <= now) {
            c.pods.remove(r.pod());
        } else {
            Map<String, Member> members = null;
            if (r.members() != null) {
                members = new HashMap<>();
                for (Member m : r.members()) {
                    members.merge(m.clientId(), m, (a, b) -> a.updatedAt() >= b.updatedAt() ? a : b);
                }
            }
            c.pods.put(r.pod(), new Share(expiresAt, r.subscribers(), r.count(), members));
            nextDue = Math.min(nextDue, expiresAt);
        }
        merge(r.channel(), c, r.left(), false, now, out);
        if (c.idle()) {
            channels.remove(r.channel());
        }
        return out;
    }

    /** Drops shares whose lease ran out and members whose grace period ended. */
    List<Change> sweep(long now) {
        List<Change> out = new ArrayList<>();
        long next = Long.MAX_VALUE;
        for (Iterator<Map.Entry<String, Channel>> it = channels.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Channel> e = it.next();
            Channel c = e.getValue();
            boolean expired = c.pods.values().removeIf(s -> s.expiresAt <= now);
            boolean graceOver = c.leaving.values().stream().anyMatch(deadline -> deadline <= now);
            if (expired || graceOver) {
                merge(e.getKey(), c, Set.of(), expired, now, out);
            }
            if (c.idle()) {
                it.remove();
            } else {
                next = Math.min(next, c.due());
            }
        }
        nextDue = next;
        return out;
    }

    /** When the next {@link #sweep} has something to do (at the earliest); {@code Long.MAX_VALUE}: never. */
    long nextDue() {
        return nextDue;
    }

    private void merge(String channel, Channel c, Set<String> left, boolean leaseLapsed, long now, List<Change> out) {
        Map<String, Member> union = new HashMap<>();
        boolean countsOnly = false;
        int countSum = 0;
        int subscribers = 0;
        for (Share s : c.pods.values()) {
            subscribers += s.subscribers;
            countSum += s.count;
            if (s.members == null) {
                countsOnly = true;
            } else {
                for (Member m : s.members.values()) {
                    union.merge(m.clientId(), m, (a, b) -> a.updatedAt() >= b.updatedAt() ? a : b);
                }
            }
        }
        c.subscribers = subscribers;
        boolean wasComplete = c.complete;
        List<Change.Event> events = new ArrayList<>();
        for (Member m : union.values()) {
            Member before = c.present.put(m.clientId(), m);
            c.leaving.remove(m.clientId());
            if (before == null) {
                c.digest += MemberDigest.of(m);
                events.add(new Change.Event(channel, "enter", m, MemberDigest.format(c.digest)));
            } else if (!before.sameAs(m)) {
                c.digest += MemberDigest.of(m) - MemberDigest.of(before);
                events.add(new Change.Event(channel, "update", m, MemberDigest.format(c.digest)));
            }
        }
        for (Iterator<Map.Entry<String, Member>> it = c.present.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Member> e = it.next();
            String id = e.getKey();
            if (union.containsKey(id)) {
                continue;
            }
            Long deadline = c.leaving.get(id);
            boolean now0 = left.contains(id) || leaseLapsed && deadline == null || deadline != null && deadline <= now;
            if (now0 || graceMs == 0) {
                it.remove();
                c.leaving.remove(id);
                c.digest -= MemberDigest.of(e.getValue());
                events.add(new Change.Event(channel, "leave", e.getValue(), MemberDigest.format(c.digest)));
            } else if (deadline == null) {
                c.leaving.put(id, now + graceMs);
                nextDue = Math.min(nextDue, now + graceMs);
            }
        }
        c.count = countsOnly ? Math.max(countSum, c.present.size()) : c.present.size();
        c.complete = !countsOnly && c.present.size() <= maxMembers;
        if (c.complete != wasComplete) {
            out.add(new Change.Sync(channel));
        } else if (c.complete) {
            out.addAll(events);
        }
    }

    /** The members in a stable order (by client id), or null when the channel offers counts only. */
    List<Member> members(String channel) {
        Channel c = channels.get(channel);
        if (c == null) {
            return List.of();
        }
        if (!c.complete) {
            return null;
        }
        List<Member> list = new ArrayList<>(c.present.values());
        list.sort((a, b) -> a.clientId().compareTo(b.clientId()));
        return list;
    }

    /** The channel's {@link MemberDigest}: {@link MemberDigest#CAPPED} when it offers counts only. */
    String digest(String channel) {
        Channel c = channels.get(channel);
        if (c == null) {
            return MemberDigest.format(0);
        }
        return c.complete ? MemberDigest.format(c.digest) : MemberDigest.CAPPED;
    }

    int count(String channel) {
        Channel c = channels.get(channel);
        return c == null ? 0 : c.count;
    }

    int subscribers(String channel) {
        Channel c = channels.get(channel);
        return c == null ? 0 : c.subscribers;
    }

    int channels() {
        return channels.size();
    }

    int leaving() {
        int n = 0;
        for (Channel c : channels.values()) {
            n += c.leaving.size();
        }
        return n;
    }

    long dropped() {
        return dropped;
    }
}
