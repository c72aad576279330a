package io.chorus.client.internal;

import io.chorus.client.Occupancy;
import io.chorus.client.PresenceMembers;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One-off reads: {@code presence} (a channel's members) and {@code occupancy} (its counts). They wait
 * for a connection, are sent again after a reconnect when the socket went away before the answer
 * (they change nothing, so resending is safe), and retryable refusals are retried with backoff up to
 * the retry limit. At most {@link #MAX_PENDING} wait at once. Core thread only.
 */
public final class Queries {

    static final int MAX_PENDING = 1000;

    private static final class Query {
        final String type;
        final String channel;
        final CompletableFuture<Object> result;
        boolean awaitingReply;
        int retries;

        Query(String type, String channel, CompletableFuture<Object> result) {
            this.type = type;
            this.channel = channel;
            this.result = result;
        }
    }

    private final Set<Query> pending = new LinkedHashSet<>();
    private final CoreContext context;

    public Queries(CoreContext context) {
        this.context = context;
    }

    /** {@code type} is {@code presence} (answers {@link PresenceMembers}) or {@code occupancy} ({@link Occupancy}). */
    public void add(String type, String channel, CompletableFuture<Object> result) {
        if (pending.size() >= MAX_PENDING) {
            context.delivery().fail(result, new ChorusException(ErrorCode.BUSY,
                    MAX_PENDING + " presence and occupancy requests are already waiting"));
            return;
        }
        Query q = new Query(type, channel, result);
        pending.add(q);
        if (context.link().isUp()) {
            send(q);
        }
    }

    public void onConnected() {
        pending.stream().filter(q -> !q.awaitingReply).forEach(this::send);
    }

    public void failAll(Throwable why) {
        for (Query q : new ArrayList<>(pending)) {
            context.delivery().fail(q.result, why);
        }
        pending.clear();
    }

    private void send(Query q) {
        q.awaitingReply = true;
        context.link().send(new Reply(q), ref -> context.codec().channelRequest(q.type, ref, q.channel));
    }

    private final class Reply implements Requests.Pending {
        private final Query q;

        Reply(Query q) {
            this.q = q;
        }

        @Override
        public void onReply(Frame.Reply reply) {
            q.awaitingReply = false;
            Object value = reply instanceof Frame.PresenceReply p ? p.members()
                    : reply instanceof Frame.OccupancyReply o ? o.occupancy() : null;
            if (pending.remove(q)) {
                if (value == null) {
                    context.delivery().fail(q.result, new ChorusException(ErrorCode.INVALID_FIELD,
                            "a " + q.type + " request was answered with another frame type"));
                } else {
                    context.delivery().complete(q.result, value);
                }
            }
        }

        @Override
        public void onError(Frame.Error error) {
            q.awaitingReply = false;
            if (!pending.contains(q)) {
                return;
            }
            if (error.retryable() && q.retries < context.retryLimit()) {
                context.timers().after(context.retryDelay(q.retries++, error.retryAfterMs()), () -> {
                    if (pending.contains(q) && !q.awaitingReply && context.link().isUp()) {
                        send(q);
                    }
                });
            } else {
                pending.remove(q);
                context.delivery().fail(q.result, error.toException());
            }
        }

        @Override
        public void onDropped() {
            q.awaitingReply = false; // sent again on the next connected
        }
    }
}
