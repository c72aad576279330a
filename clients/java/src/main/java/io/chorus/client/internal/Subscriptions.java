package io.chorus.client.internal;

import io.chorus.client.Message;
import io.chorus.client.Occupancy;
import io.chorus.client.OccupancyListener;
import io.chorus.client.PresenceEvent;
import io.chorus.client.PresenceListener;
import io.chorus.client.PresenceMember;
import io.chorus.client.PresenceMembers;
import io.chorus.client.SubscribeResult;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * The client's subscriptions, one per channel, and their resume: after every {@code connected} each is
 * sent again with {@code since} = the last position it delivered, and what the server answers is
 * routed to {@code ready()} (the first answer) or to the listener (the later ones). Core thread only.
 */
public final class Subscriptions {

    private final Map<String, SubscriptionImpl> byChannel = new LinkedHashMap<>();
    private final ResumeTracker tracker = new ResumeTracker();
    private final Link link;
    private final FrameCodec codec;
    private final Delivery delivery;
    private final Timers timers;
    private final CoreContext context;
    private final int retryLimit;

    public Subscriptions(CoreContext context) {
        this.link = context.link();
        this.codec = context.codec();
        this.delivery = context.delivery();
        this.timers = context.timers();
        this.context = context;
        this.retryLimit = context.retryLimit();
    }

    public void add(SubscriptionImpl sub) {
        if (byChannel.containsKey(sub.channel)) {
            // The server would say the same, and the resume bookkeeping is per channel.
            sub.answered = true;
            sub.cancel();
            delivery.fail(sub.ready, new ChorusException(ErrorCode.ALREADY_SUBSCRIBED,
                    "this client already subscribes to " + sub.channel));
            return;
        }
        byChannel.put(sub.channel, sub);
        tracker.reset(sub.channel, sub.options.sincePosition());
        if (link.isUp()) {
            send(sub);
        }
    }

    public void onConnected() {
        byChannel.values().forEach(this::send);
    }

    /** The socket is gone: the server forgot every subscription with it. */
    public void onDisconnected() {
        byChannel.values().forEach(s -> s.live = false);
    }

    public void onMessage(Message m) {
        SubscriptionImpl sub = byChannel.get(m.channel());
        if (sub == null || !sub.live || !tracker.accept(m.channel(), m.position())) {
            return;
        }
        delivery.run(() -> sub.deliver(m.position(), () -> sub.listener.onMessage(m)));
    }

    /**
     * An {@code error} with a channel and no ref: the server ended that subscription (PROTOCOL.md),
     * for example Kafka stopped answering during a catch-up, or a refreshed token no longer allows
     * it. A retryable one is subscribed again from the last position after backoff; any other ends
     * it and the listener hears {@code onSubscriptionFailed}. False when no live subscription matches.
     */
    public boolean onEnded(Frame.Error e) {
        SubscriptionImpl sub = byChannel.get(e.channel());
        if (sub == null || !sub.live) {
            return false;
        }
        sub.live = false;
        onRefused(sub, e);
        return true;
    }

    /** A member list: the first of a subscription, a fresh one after a reconnect, or one back under the cap. */
    public void onPresenceSync(PresenceMembers fresh) {
        SubscriptionImpl sub = presenceSub(fresh.channel());
        if (sub == null) {
            return;
        }
        List<PresenceEvent> events = sub.memberList.sync(fresh);
        List<PresenceMember> snapshot = sub.memberList.snapshot();
        if (!fresh.complete()) {
            PresenceListener l = sub.options.presenceListener();
            delivery.run(() -> sub.deliverPresence(snapshot, () -> l.onMemberListUnavailable(sub.channel, fresh.count())));
        }
        events.forEach(e -> deliverPresence(sub, snapshot, e));
    }

    public void onPresenceChange(Frame.PresenceChange change) {
        SubscriptionImpl sub = presenceSub(change.channel());
        PresenceEvent event = sub == null ? null : sub.memberList.apply(change.action(), change.member());
        if (event != null) {
            deliverPresence(sub, sub.memberList.snapshot(), event);
        }
    }

    public void onOccupancy(Occupancy occupancy) {
        SubscriptionImpl sub = byChannel.get(occupancy.channel());
        OccupancyListener l = sub == null || !sub.live ? null : sub.options.occupancyListener();
        if (l != null) {
            delivery.run(() -> sub.deliverPresence(null, () -> l.onOccupancy(occupancy)));
        }
    }

    /** Only a subscription that asked for presence, and only on the socket that said {@code subscribed}. */
    private SubscriptionImpl presenceSub(String channel) {
        SubscriptionImpl sub = byChannel.get(channel);
        return sub != null && sub.live && sub.options.presenceListener() != null ? sub : null;
    }

    private void deliverPresence(SubscriptionImpl sub, List<PresenceMember> snapshot, PresenceEvent event) {
        PresenceListener l = sub.options.presenceListener();
        delivery.run(() -> sub.deliverPresence(snapshot, () -> l.onPresence(event)));
    }

    public void unsubscribe(SubscriptionImpl sub, CompletableFuture<Void> done) {
        if (byChannel.get(sub.channel) != sub) {
            delivery.complete(done, null);
            return;
        }
        boolean serverKnows = sub.live || sub.inFlight;
        remove(sub);
        if (!sub.answered) {
            sub.answered = true;
            delivery.fail(sub.ready, new CancellationException("unsubscribed before the server answered"));
        }
        if (!serverKnows || !link.isUp()) {
            delivery.complete(done, null);
            return;
        }
        link.send(new Unsubscribing(done), ref -> codec.unsubscribe(ref, sub.channel));
    }

    /** The client is closing or failed: every subscription ends, and unanswered ones fail with why. */
    public void endAll(Throwable why) {
        for (SubscriptionImpl sub : new ArrayList<>(byChannel.values())) {
            remove(sub);
            if (!sub.answered) {
                sub.answered = true;
                delivery.fail(sub.ready, why);
            }
        }
    }

    private void send(SubscriptionImpl sub) {
        String since = tracker.last(sub.channel);
        int rewind = since == null ? sub.options.rewindCount() : 0;
        sub.inFlight = true;
        boolean presence = sub.options.presenceListener() != null;
        boolean occupancy = sub.options.occupancyListener() != null;
        link.send(new Subscribing(sub), ref -> codec.subscribe(ref, sub.channel, since, rewind, presence, occupancy));
    }

    private void remove(SubscriptionImpl sub) {
        byChannel.remove(sub.channel);
        tracker.forget(sub.channel);
        sub.memberList.clear();
        sub.cancel();
        sub.live = false;
    }

    private void onSubscribed(SubscriptionImpl sub, Frame.Subscribed f) {
        sub.live = true;
        sub.retries = 0;
        tracker.reset(sub.channel, f.position());
        if (!sub.answered) {
            sub.answered = true;
            SubscribeResult result = new SubscribeResult(sub.channel, f.position(),
                    Boolean.TRUE.equals(f.resumed()), f.reason());
            delivery.run(() -> {
                sub.startAt(f.position());
                sub.ready.complete(result);
            });
        } else if (Boolean.FALSE.equals(f.resumed())) {
            delivery.run(() -> sub.deliver(f.position(),
                    () -> sub.listener.onContinuityLost(sub.channel, f.reason(), f.position())));
        }
    }

    private void onRefused(SubscriptionImpl sub, Frame.Error e) {
        ChorusException error = e.toException();
        if (!sub.answered) {
            sub.answered = true;
            remove(sub);
            delivery.fail(sub.ready, error);
        } else if (e.retryable() && sub.retries < retryLimit) {
            Duration wait = context.retryDelay(sub.retries++, e.retryAfterMs());
            timers.after(wait, () -> {
                if (byChannel.get(sub.channel) == sub && link.isUp() && !sub.live && !sub.inFlight) {
                    send(sub);
                }
            });
        } else {
            remove(sub);
            delivery.run(() -> sub.listener.onSubscriptionFailed(sub.channel, error));
        }
    }

    /** The reply to one subscribe; ignored when the subscription was replaced or ended meanwhile. */
    private final class Subscribing implements Requests.Pending {
        private final SubscriptionImpl sub;

        Subscribing(SubscriptionImpl sub) {
            this.sub = sub;
        }

        private boolean current() {
            sub.inFlight = false;
            return byChannel.get(sub.channel) == sub;
        }

        @Override
        public void onReply(Frame.Reply reply) {
            if (current() && reply instanceof Frame.Subscribed s) {
                onSubscribed(sub, s);
            }
        }

        @Override
        public void onError(Frame.Error error) {
            if (current()) {
                onRefused(sub, error);
            }
        }

        @Override
        public void onDropped() {
            sub.inFlight = false;
        }
    }

    /** The reply to one unsubscribe. {@code not_subscribed} is success: the goal is reached either way. */
    private final class Unsubscribing implements Requests.Pending {
        private final CompletableFuture<Void> done;

        Unsubscribing(CompletableFuture<Void> done) {
            this.done = done;
        }

        @Override
        public void onReply(Frame.Reply reply) {
            delivery.complete(done, null);
        }

        @Override
        public void onError(Frame.Error error) {
            if (error.code() == ErrorCode.NOT_SUBSCRIBED.code()) {
                delivery.complete(done, null);
            } else {
                delivery.fail(done, error.toException());
            }
        }

        @Override
        public void onDropped() {
            delivery.complete(done, null); // the server forgets subscriptions with the socket
        }
    }
}
