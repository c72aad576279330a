package io.chorus.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.auth.Capabilities;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.feed.Failures;
import io.chorus.gateway.presence.PresenceSink;
import io.chorus.gateway.subscription.StartSpec;
import io.chorus.gateway.subscription.Subscription;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's channels: its subscriptions (at most {@code connection.maxSubscriptions}), the channels
 * it entered (presence, the same bound), and the presence and occupancy watches of its subscriptions.
 * Each watch is kept apart so that a refreshed token that drops one right stops exactly what that right
 * allowed. Touched on the session's event loop only.
 */
final class SessionChannels {

    private static final Logger LOG = LoggerFactory.getLogger(SessionChannels.class);

    private final Session session;
    private final SessionDeps deps;
    private final Map<String, Subscription> subscriptions = new HashMap<>();
    /** Made on first use: most connections never enter or watch. */
    private Set<String> entered;
    private Map<String, Runnable> presenceWatches;
    private Map<String, Runnable> occupancyWatches;

    SessionChannels(Session session) {
        this.session = session;
        this.deps = session.deps();
    }

    /**
     * Subscribes, then sends {@code subscribed} and starts the watches asked for. Capabilities and the
     * rate limit were checked by the caller; the bounds are checked here.
     */
    void subscribe(String ref, ChannelName channel, StartSpec spec, double maxRate, boolean presence,
                   boolean occupancy) {
        if (subscriptions.containsKey(channel.value())) {
            throw new ChorusException(ErrorCode.ALREADY_SUBSCRIBED, "already subscribed to " + channel);
        }
        int max = deps.config().connection().maxSubscriptions();
        if (subscriptions.size() >= max) {
            throw new ChorusException(ErrorCode.TOO_MANY_SUBSCRIPTIONS, "at most " + max
                    + " subscriptions per connection");
        }
        Subscription sub = deps.subscriptions().create(channel, session, maxRate);
        subscriptions.put(channel.value(), sub);
        deps.metrics().subscriptionsChanged(1);
        deps.subscriptions().start(session.shard(), sub, spec, err -> ended(sub, null, err))
                .onSuccess(answer -> {
                    if (subscriptions.get(channel.value()) != sub) {
                        return; // unsubscribed meanwhile: its unsubscribed reply said so
                    }
                    session.moved(channel.value(), answer.position());
                    session.send(Boolean.TRUE.equals(answer.resumed()) ? Out.RESUMED : Out.SUBSCRIBED,
                            Frames.subscribed(ref, channel.value(), answer));
                    watch(channel, presence, occupancy);
                })
                .onFailure(err -> ended(sub, ref, err));
    }

    /** The subscription could not start, or a catch-up step failed: it is gone; tell the client. */
    private void ended(Subscription sub, String ref, Throwable err) {
        if (subscriptions.remove(sub.channel().value(), sub)) {
            unwatch(sub.channel().value());
            deps.metrics().subscriptionsChanged(-1);
            ChorusException e = Failures.toChorus(err);
            deps.metrics().error(e.code().wireName());
            session.send(Out.CHANNEL_ERROR, Frames.error(ref, sub.channel().value(), e));
        }
    }

    /** False when the connection had no subscription to the channel. */
    boolean unsubscribe(ChannelName channel) {
        Subscription sub = subscriptions.remove(channel.value());
        if (sub == null) {
            return false;
        }
        unwatch(channel.value());
        deps.metrics().subscriptionsChanged(-1);
        deps.subscriptions().stop(session.shard(), sub);
        return true;
    }

    /** enter and update: sets the connection's member data on the channel; completes when Kafka stored it. */
    CompletableFuture<Void> enter(ChannelName channel, JsonNode data) {
        int max = deps.config().connection().maxSubscriptions();
        if (!entered().contains(channel.value()) && entered().size() >= max) {
            throw new ChorusException(ErrorCode.TOO_MANY_SUBSCRIPTIONS, "at most " + max
                    + " entered channels per connection");
        }
        CompletableFuture<Void> done = deps.presence().enter(channel, session.id(),
                session.principal().clientId(), data);
        entered().add(channel.value());
        return done;
    }

    /**
     * A channel a stream enters for its lifetime: {@code entered} once Kafka stored it. A failure here
     * (the checks passed before the response began, so it is busy, topic_missing or Kafka) ends the
     * stream with that error, and the client reconnects and enters again, as after any drop.
     */
    void enterFromStream(ChannelName channel, JsonNode data) {
        CompletableFuture<Void> done;
        try {
            done = enter(channel, data);
        } catch (ChorusException e) {
            session.fail(null, e);
            return;
        }
        Future.fromCompletionStage(done, session.shard().context())
                .onSuccess(v -> session.send(Out.ENTERED, Frames.presenceDone("entered", null, channel.value())))
                .onFailure(err -> session.fail(null, Failures.toChorus(err)));
    }

    CompletableFuture<Void> leave(ChannelName channel) {
        CompletableFuture<Void> done = deps.presence().leave(channel, session.id());
        entered().remove(channel.value());
        return done;
    }

    /** Starts the presence and/or occupancy watch a subscription asked for. */
    private void watch(ChannelName channel, boolean presence, boolean occupancy) {
        if (session.closed()) {
            return;
        }
        var context = session.shard().context();
        PresenceSink sink = (type, frame, change) -> context.runOnContext(v -> session.send(Out.presence(type), frame));
        if (presence) {
            if (presenceWatches == null) {
                presenceWatches = new HashMap<>(4);
            }
            presenceWatches.put(channel.value(), deps.presence().watchPresence(channel, sink));
        }
        if (occupancy) {
            if (occupancyWatches == null) {
                occupancyWatches = new HashMap<>(4);
            }
            occupancyWatches.put(channel.value(), deps.presence().watchOccupancy(channel, sink));
        }
    }

    private void unwatch(String channel) {
        stop(presenceWatches, channel);
        stop(occupancyWatches, channel);
    }

    private static void stop(Map<String, Runnable> watches, String channel) {
        Runnable stop = watches == null ? null : watches.remove(channel);
        if (stop != null) {
            stop.run();
        }
    }

    /**
     * After an in-band refresh: ends each subscription the new capabilities do not allow (a forbidden
     * error with its channel), stops each presence watch they no longer allow and each occupancy watch
     * they allow neither way, and leaves each channel they no longer allow presence on.
     */
    void narrowTo(Capabilities caps) {
        for (Subscription sub : new ArrayList<>(subscriptions.values())) {
            if (!caps.allows(sub.channel(), Operation.SUBSCRIBE)) {
                deps.subscriptions().stop(session.shard(), sub);
                ended(sub, null, new ChorusException(ErrorCode.FORBIDDEN, "the new token does not allow "
                        + sub.channel()));
            }
        }
        for (String ch : watched(presenceWatches)) {
            if (!caps.allows(ChannelName.parse(ch), Operation.PRESENCE)) {
                stop(presenceWatches, ch);
            }
        }
        for (String ch : watched(occupancyWatches)) {
            ChannelName c = ChannelName.parse(ch);
            if (!caps.allows(c, Operation.SUBSCRIBE) && !caps.allows(c, Operation.PRESENCE)) {
                stop(occupancyWatches, ch);
            }
        }
        for (String ch : new ArrayList<>(entered())) {
            ChannelName c = ChannelName.parse(ch);
            if (!caps.allows(c, Operation.PRESENCE)) {
                entered().remove(ch);
                try {
                    deps.presence().leave(c, session.id());
                } catch (ChorusException e) {
                    // The presence topic is unavailable: the member goes when the connection does.
                    LOG.debug("leave on re-auth: {}", e.getMessage());
                }
            }
        }
    }

    private static Iterable<String> watched(Map<String, Runnable> watches) {
        return watches == null ? Set.of() : new ArrayList<>(watches.keySet());
    }

    /** The connection is gone: every subscription and watch stops; entered members start their grace. */
    void closeAll() {
        for (Subscription s : subscriptions.values()) {
            unwatch(s.channel().value());
            deps.subscriptions().stop(session.shard(), s);
        }
        if (entered != null && !entered.isEmpty()) {
            deps.presence().closed(session.id(), entered);
        }
        deps.metrics().subscriptionsChanged(-subscriptions.size());
        subscriptions.clear();
    }

    private Set<String> entered() {
        if (entered == null) {
            entered = new HashSet<>(4);
        }
        return entered;
    }
}
