package io.chorus.ingest.engage.social.chat;

import io.chorus.ingest.engage.Kv;

/**
 * Where each of an event's last {@code capacity} chat messages went, so {@code chat.delete} can send the
 * deletion on the message's own channel. A ring over the store: slot {@code n mod capacity} holds the
 * n-th message; reusing a slot forgets its previous message. Constant work per message, at most
 * {@code 2 × capacity + 1} keys per event.
 */
public final class RecentMessages {

    /** Slot contents: which message it holds. */
    public record Slot(String id) {
    }

    /** Where a remembered message went: its room (null for the event's main chat), and its sender. */
    public record Where(Integer room, String participant) {
    }

    /** The number of messages remembered so far (the next slot, before the modulo). */
    public record Next(long n) {
    }

    private final int capacity;

    public RecentMessages(int capacity) {
        this.capacity = capacity;
    }

    /** Remembers message {@code id}; returns true when that forgot an older message. */
    public boolean remember(String code, String id, Integer room, String participant, Kv kv) {
        String nextKey = Kv.key(code, "chat", "next");
        Next next = kv.get(nextKey, Next.class);
        long n = next == null ? 0 : next.n();
        String slotKey = Kv.key(code, "chat", "slot", Long.toString(n % capacity));
        Slot old = kv.get(slotKey, Slot.class);
        if (old != null) {
            kv.delete(messageKey(code, old.id()));
        }
        kv.put(slotKey, new Slot(id));
        kv.put(messageKey(code, id), new Where(room, participant));
        kv.put(nextKey, new Next(n + 1));
        return old != null;
    }

    /** Where message {@code id} went, or null when it is unknown, deleted or no longer remembered. */
    public Where find(String code, String id, Kv kv) {
        return kv.get(messageKey(code, id), Where.class);
    }

    /** Forgets a deleted message (its slot is reused in turn). */
    public void forget(String code, String id, Kv kv) {
        kv.delete(messageKey(code, id));
    }

    private static String messageKey(String code, String id) {
        return Kv.key(code, "chat", "msg", id);
    }
}
