package io.chorus.client.internal;

import io.chorus.client.MessageListener;
import io.chorus.client.PresenceMember;
import io.chorus.client.SubscribeOptions;
import io.chorus.client.SubscribeResult;
import io.chorus.client.Subscription;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One subscription. The volatile fields are the application's view and may be read anywhere; the plain
 * fields are the core thread's bookkeeping for the current socket.
 */
public final class SubscriptionImpl implements Subscription {

    final String channel;
    final SubscribeOptions options;
    final MessageListener listener;
    final CompletableFuture<SubscribeResult> ready = new CompletableFuture<>();
    private final Function<SubscriptionImpl, CompletableFuture<Void>> unsubscriber;

    /** Core thread: the member list presence events are computed against. */
    final MemberList memberList;
    /** Written on the delivery thread just before the presence listener hears what led to it. */
    private volatile List<PresenceMember> members = List.of();
    /** Written on the delivery thread just before the listener sees the position. */
    private volatile String lastPosition;
    /** Once set, the delivery thread starts no more listener calls for this subscription. */
    private volatile boolean cancelled;

    /** The first answer went to {@link #ready}; later ones go to the listener. */
    boolean answered;
    /** A subscribe is out on the current socket and not yet answered. */
    boolean inFlight;
    /**
     * {@code subscribed} arrived on the current socket. Messages before it belong to an older
     * subscription of the channel (its unsubscribe may still be on the way) and are dropped.
     */
    boolean live;
    /** Retryable errors in a row on re-subscribes. */
    int retries;

    public SubscriptionImpl(String channel, SubscribeOptions options, MessageListener listener,
                            Function<SubscriptionImpl, CompletableFuture<Void>> unsubscriber) {
        this.channel = channel;
        this.options = options;
        this.listener = listener;
        this.unsubscriber = unsubscriber;
        this.lastPosition = options.sincePosition();
        this.memberList = new MemberList(channel);
    }

    @Override
    public String channel() {
        return channel;
    }

    @Override
    public CompletableFuture<SubscribeResult> ready() {
        return ready;
    }

    @Override
    public String lastPosition() {
        return lastPosition;
    }

    @Override
    public List<PresenceMember> members() {
        return members;
    }

    @Override
    public CompletableFuture<Void> unsubscribe() {
        cancelled = true;
        return unsubscriber.apply(this);
    }

    /** Delivery thread: runs a listener call unless the subscription ended. */
    void deliver(String position, Runnable call) {
        if (!cancelled) {
            if (position != null) {
                lastPosition = position;
            }
            call.run();
        }
    }

    /** Delivery thread: a presence or occupancy call; {@code snapshot} (when not null) is the list after it. */
    void deliverPresence(List<PresenceMember> snapshot, Runnable call) {
        if (!cancelled) {
            if (snapshot != null) {
                members = snapshot;
            }
            call.run();
        }
    }

    /** Delivery thread: the start position, recorded with no listener call. */
    void startAt(String position) {
        lastPosition = position;
    }

    void cancel() {
        cancelled = true;
    }

    @Override
    public String toString() {
        return "Subscription[" + channel + ", " + options + ", last=" + lastPosition + "]";
    }
}
