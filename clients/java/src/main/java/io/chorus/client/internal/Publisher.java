package io.chorus.client.internal;

import io.chorus.client.PublishResult;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes waiting for their {@code ack}. A publish stays here until the server acknowledges it or
 * refuses it for good; after every {@code connected} the ones without a reply are sent again, in their
 * original order, with the same id and {@code retry:true} so that the gateway acknowledges the record
 * if the first attempt reached Kafka instead of writing it twice. Retryable errors are retried with
 * backoff up to the retry limit; resends after a reconnect do not count against it, since the publish
 * did not fail, the socket did.
 *
 * <p>Core thread only, except {@link #reserve()}: the in-flight limit is checked on the caller's thread
 * so that publish fails fast there instead of queueing without bound on the way to the core.
 */
public final class Publisher {

    private static final class Pending {
        final PublishRequest request;
        final CompletableFuture<PublishResult> result;
        boolean sentBefore;
        boolean awaitingReply;
        int retries;
        Future<?> retryTimer;

        Pending(PublishRequest request, CompletableFuture<PublishResult> result) {
            this.request = request;
            this.result = result;
        }
    }

    private final Set<Pending> pending = new LinkedHashSet<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final int maxInFlight;
    private final CoreContext context;

    public Publisher(CoreContext context, int maxInFlight) {
        this.context = context;
        this.maxInFlight = maxInFlight;
    }

    /** Any thread. Takes a slot, or says no when {@code maxInFlight} publishes wait for their ack. */
    public boolean reserve() {
        int n;
        do {
            n = inFlight.get();
            if (n >= maxInFlight) {
                return false;
            }
        } while (!inFlight.compareAndSet(n, n + 1));
        return true;
    }

    /** Any thread. Gives back a slot taken by {@link #reserve()} for a publish that never got here. */
    public void release() {
        inFlight.decrementAndGet();
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    public void add(PublishRequest request, CompletableFuture<PublishResult> result) {
        Pending p = new Pending(request, result);
        pending.add(p);
        if (context.link().isUp()) {
            send(p);
        }
    }

    public void onConnected() {
        for (Pending p : pending) {
            Timers.cancel(p.retryTimer);
            send(p);
        }
    }

    /** The client is closing or failed: every publish without an ack fails with {@code why}. */
    public void failAll(Throwable why) {
        for (Pending p : new ArrayList<>(pending)) {
            finish(p);
            context.delivery().fail(p.result, why);
        }
    }

    private void send(Pending p) {
        boolean retry = p.sentBefore;
        p.sentBefore = true;
        p.awaitingReply = true;
        context.link().send(new Reply(p), ref -> context.codec().publish(ref, p.request, retry));
    }

    private void finish(Pending p) {
        if (pending.remove(p)) {
            inFlight.decrementAndGet();
            Timers.cancel(p.retryTimer);
        }
    }

    private void onRefused(Pending p, Frame.Error e) {
        ChorusException error = e.toException();
        if (!e.retryable()) {
            finish(p);
            context.delivery().fail(p.result, error);
        } else if (p.retries >= context.retryLimit()) {
            finish(p);
            context.delivery().fail(p.result, new ChorusException(error.code(),
                    error.getMessage() + " (gave up after " + p.retries + " retries)"));
        } else {
            Duration wait = context.retryDelay(p.retries++, e.retryAfterMs());
            p.retryTimer = context.timers().after(wait, () -> {
                // A reconnect meanwhile has resent it already.
                if (pending.contains(p) && !p.awaitingReply && context.link().isUp()) {
                    send(p);
                }
            });
        }
    }

    private final class Reply implements Requests.Pending {
        private final Pending p;

        Reply(Pending p) {
            this.p = p;
        }

        @Override
        public void onReply(Frame.Reply reply) {
            p.awaitingReply = false;
            if (reply instanceof Frame.Ack ack && pending.contains(p)) {
                finish(p);
                context.delivery().complete(p.result, new PublishResult(ack.id(), ack.position(), ack.duplicate()));
            }
        }

        @Override
        public void onError(Frame.Error error) {
            p.awaitingReply = false;
            if (pending.contains(p)) {
                onRefused(p, error);
            }
        }

        @Override
        public void onDropped() {
            p.awaitingReply = false;
        }
    }

    static ChorusException tooMany(int max) {
        return new ChorusException(ErrorCode.BUSY, max + " publishes are already waiting for their ack"
                + " (maxPublishesInFlight); wait for some to complete");
    }
}
