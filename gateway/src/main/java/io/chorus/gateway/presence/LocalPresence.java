package io.chorus.gateway.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * This pod's own share of every channel: which connections entered (and as which client, with what
 * data) and how many subscriptions it holds. Changed channels are marked dirty and written by the next
 * {@link #flush}. Not thread-safe: {@link PresenceService} calls it under its lock.
 */
final class LocalPresence {

    private static final class Channel {
        final Map<String, Member> byConnection = new HashMap<>();
        final Set<String> left = new HashSet<>();
        final List<CompletableFuture<Void>> waiting = new ArrayList<>();
        int subscribers;
        long lastWrite = Long.MIN_VALUE / 2;

        boolean empty() {
            return byConnection.isEmpty() && subscribers == 0;
        }
    }

    /** A record to write, and who waits for it to be stored. */
    record Write(ShareRecord record, List<CompletableFuture<Void>> waiting) {
    }

    private final Map<String, Channel> channels = new HashMap<>();
    private final Set<String> dirty = new HashSet<>();
    private final String pod;
    private final long leaseMs;
    private final int maxMembers;
    private final int maxChannels;

    LocalPresence(String pod, long leaseMs, int maxMembers, int maxChannels) {
        this.pod = pod;
        this.leaseMs = leaseMs;
        this.maxMembers = maxMembers;
        this.maxChannels = maxChannels;
    }

    /** Whether the pod may take one more channel. */
    boolean hasRoom(String channel) {
        return channels.containsKey(channel) || channels.size() < maxChannels;
    }

    /** Enters or updates; {@code done} completes when the record carrying it is stored. */
    void set(String channel, String connection, Member member, CompletableFuture<Void> done) {
        Channel c = channels.computeIfAbsent(channel, k -> new Channel());
        c.byConnection.put(connection, member);
        c.left.remove(member.clientId());
        c.waiting.add(done);
        dirty.add(channel);
    }

    /** An explicit leave: false when the connection had not entered. */
    boolean leave(String channel, String connection, CompletableFuture<Void> done) {
        Channel c = channels.get(channel);
        Member m = c == null ? null : c.byConnection.remove(connection);
        if (m == null) {
            return false;
        }
        if (c.byConnection.values().stream().noneMatch(o -> o.clientId().equals(m.clientId()))) {
            c.left.add(m.clientId());
        }
        c.waiting.add(done);
        dirty.add(channel);
        return true;
    }

    /** The connection closed: its members go without an explicit leave (the grace period applies). */
    void closed(String connection, Iterable<String> enteredChannels) {
        for (String channel : enteredChannels) {
            Channel c = channels.get(channel);
            if (c != null && c.byConnection.remove(connection) != null) {
                dirty.add(channel);
            }
        }
    }

    /** True when this is the first change since the last flush (the reader may be waiting long: wake it). */
    boolean subscribers(String channel, int delta) {
        Channel c = channels.get(channel);
        if (c == null) {
            if (delta <= 0 || channels.size() >= maxChannels) {
                return false;
            }
            c = new Channel();
            channels.put(channel, c);
        }
        c.subscribers = Math.max(0, c.subscribers + delta);
        boolean first = dirty.isEmpty();
        dirty.add(channel);
        return first;
    }

    /** Changes not written yet (some wait out {@code flushInterval}). */
    boolean pending() {
        return !dirty.isEmpty();
    }

    /** Marks every channel for rewriting, which renews the pod's lease on it. */
    void renewAll() {
        dirty.addAll(channels.keySet());
    }

    /**
     * The records to write now: every changed channel not written within {@code intervalMs} (so a
     * lone change goes out at once and a busy channel at most once per interval). Channels left empty
     * are written once more (as empty) and forgotten.
     */
    List<Write> flush(long now, long intervalMs) {
        List<Write> out = new ArrayList<>();
        for (Iterator<String> it = dirty.iterator(); it.hasNext(); ) {
            String channel = it.next();
            Channel c = channels.get(channel);
            if (c == null) {
                it.remove();
                continue;
            }
            if (now - c.lastWrite < intervalMs) {
                continue;
            }
            it.remove();
            c.lastWrite = now;
            Map<String, Member> byClient = new HashMap<>();
            for (Member m : c.byConnection.values()) {
                byClient.merge(m.clientId(), m, (a, b) -> a.updatedAt() >= b.updatedAt() ? a : b);
            }
            List<Member> members = byClient.size() > maxMembers ? null : new ArrayList<>(byClient.values());
            ShareRecord r = new ShareRecord(pod, channel, leaseMs, c.subscribers, byClient.size(), members,
                    Set.copyOf(c.left));
            out.add(new Write(r, List.copyOf(c.waiting)));
            c.left.clear();
            c.waiting.clear();
            if (c.empty()) {
                channels.remove(channel);
            }
        }
        return out;
    }

    /** Everything this pod holds, written as empty (a graceful stop: other pods apply the grace period). */
    List<Write> farewell() {
        List<Write> out = new ArrayList<>();
        for (Iterator<String> it = channels.keySet().iterator(); it.hasNext(); ) {
            String channel = it.next();
            Channel c = channels.get(channel);
            out.add(new Write(new ShareRecord(pod, channel, leaseMs, 0, 0, List.of(), Set.of()),
                    List.copyOf(c.waiting)));
            it.remove();
        }
        dirty.clear();
        return out;
    }

    int channels() {
        return channels.size();
    }

    int members() {
        int n = 0;
        for (Channel c : channels.values()) {
            n += c.byConnection.size();
        }
        return n;
    }
}
