package io.chorus.gateway.subscription;

import io.chorus.gateway.feed.FeedMessage;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The subscribers of one event loop, by channel. The live reader's batches arrive here as one task
 * per batch, and each message's one encoded frame is written to every local subscriber of its
 * channel. Touched only on its event loop, so it needs no lock.
 */
public final class Shard {

    private final Context context;
    private final Map<String, List<Subscription>> byChannel = new HashMap<>();

    public Shard(Context context) {
        this.context = context;
    }

    public Context context() {
        return context;
    }

    void add(Subscription s) {
        byChannel.computeIfAbsent(s.channel.value(), k -> new ArrayList<>(2)).add(s);
    }

    void remove(Subscription s) {
        List<Subscription> list = byChannel.get(s.channel.value());
        if (list != null) {
            list.remove(s);
            if (list.isEmpty()) {
                byChannel.remove(s.channel.value());
            }
        }
    }

    void deliver(List<FeedMessage> batch) {
        for (FeedMessage m : batch) {
            List<Subscription> subs = byChannel.get(m.channel());
            if (subs != null) {
                for (int i = 0; i < subs.size(); i++) {
                    subs.get(i).offerLive(m);
                }
            }
        }
    }
}
