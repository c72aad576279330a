package io.chorus.client.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests sent on the current socket that wait for their reply, by {@code ref}. Core thread only.
 * Bounded by what can be outstanding: one subscribe or unsubscribe per channel, and at most
 * {@code maxPublishesInFlight} publishes.
 */
public final class Requests {

    /** What to do with the reply to one request. */
    public interface Pending {
        void onReply(Frame.Reply reply);

        void onError(Frame.Error error);

        /** The socket went away before a reply came; the ref will never be answered. */
        void onDropped();
    }

    private final Map<String, Pending> byRef = new HashMap<>();
    /** Never reset: a late reply to an old socket's ref can then never match a new request. */
    private long lastRef;

    public String register(Pending pending) {
        String ref = Long.toString(++lastRef, 36);
        byRef.put(ref, pending);
        return ref;
    }

    public Pending take(String ref) {
        return byRef.remove(ref);
    }

    public void dropAll() {
        List<Pending> dropped = new ArrayList<>(byRef.values());
        byRef.clear();
        dropped.forEach(Pending::onDropped);
    }

    public int size() {
        return byRef.size();
    }
}
