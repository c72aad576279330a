package io.chorus.client.internal;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Keeps the connection's token fresh in band (PROTOCOL.md, "Refresh in band"): on the server's
 * {@code auth_expiring}, or ahead of the {@code expiresAt} an {@code authed} reported, it fetches a new
 * token and sends {@code {"type":"auth","ref","token"}}; subscriptions stay as they are.
 *
 * <p>One refresh at a time. A fetch that fails, or an {@code auth} the server refuses, is tried again
 * after a backoff delay (never sooner than {@code retryAfterMs}); a warning that arrives while such a
 * delay runs does not cut it short, so a token source that keeps failing is never hammered. If the
 * token runs out anyway, the server closes with 4004 and the reconnect fetches a token first. All of
 * this belongs to one socket: a new socket starts it over. Core thread only.
 */
final class TokenRefresher {

    /** How long before a known expiry the client refreshes by itself, when the server warns later. */
    static final long REFRESH_AHEAD_MS = 30_000;
    /** The shortest wait for a scheduled refresh: tokens that live a few ms must not make it spin. */
    static final long MIN_WAIT_MS = 1_000;

    private enum Step { IDLE, FETCHING, SENT, BACKING_OFF }

    private final CoreContext context;
    private final TokenSource tokens;
    private final Duration fetchTimeout;
    private final Consumer<Throwable> report;
    private Step step = Step.IDLE;
    private int failures;
    /** Bumped per socket: results of a fetch or an auth from an earlier socket are dropped. */
    private int generation;
    private Future<?> timer;
    /** When the last {@code authed} came (clock ms), or a very old time. */
    private long lastAuthed = Long.MIN_VALUE / 2;

    TokenRefresher(CoreContext context, TokenSource tokens, Duration fetchTimeout, Consumer<Throwable> report) {
        this.context = context;
        this.tokens = tokens;
        this.fetchTimeout = fetchTimeout;
        this.report = report;
    }

    void onConnected() {
        reset();
    }

    void onDisconnected() {
        reset();
    }

    /**
     * The server's warning: refresh now, unless a refresh runs or waits out a failure already. A
     * warning right after a refresh (a new token that is itself inside the warning window) waits
     * until {@link #MIN_WAIT_MS} after that refresh, so that tokens with a short life never make
     * the client fetch in a loop.
     */
    void onAuthExpiring() {
        if (step != Step.IDLE) {
            return;
        }
        long since = context.timers().now() - lastAuthed;
        if (since >= MIN_WAIT_MS) {
            refresh();
        } else {
            Timers.cancel(timer);
            int gen = generation;
            timer = context.timers().after(Duration.ofMillis(MIN_WAIT_MS - since), () -> {
                if (gen == generation && step == Step.IDLE) {
                    refresh();
                }
            });
        }
    }

    private void reset() {
        generation++;
        step = Step.IDLE;
        failures = 0;
        Timers.cancel(timer);
        timer = null;
    }

    private void refresh() {
        if (!tokens.renewable() || !context.link().isUp()) {
            return; // a fixed token cannot be renewed: the server closes with 4004 at expiry
        }
        Timers.cancel(timer);
        step = Step.FETCHING;
        int gen = generation;
        tokens.fetch(fetchTimeout).whenComplete((token, error) -> context.core().execute(() -> {
            if (gen != generation) {
                return;
            }
            if (error != null) {
                retryLater(new IllegalStateException("token refresh: fetching a token failed", unwrap(error)), 0);
            } else if (context.link().isUp()) {
                step = Step.SENT;
                context.link().send(new Authing(gen), ref -> context.codec().auth(ref, token));
            }
        }));
    }

    private void retryLater(Throwable why, long retryAfterMs) {
        report.accept(why);
        step = Step.BACKING_OFF;
        int gen = generation;
        timer = context.timers().after(context.retryDelay(failures++, retryAfterMs), () -> {
            if (gen == generation && step == Step.BACKING_OFF) {
                refresh();
            }
        });
    }

    /**
     * After a refresh: the next one {@link #REFRESH_AHEAD_MS} before expiry, but not before half the
     * token's remaining life has passed (a short-lived token would otherwise be refreshed at once,
     * again and again), and not sooner than {@link #MIN_WAIT_MS}.
     */
    private void scheduleBefore(long expiresAt) {
        long left = expiresAt - context.timers().now();
        if (expiresAt <= 0 || left <= 0) {
            return;
        }
        long wait = Math.max(MIN_WAIT_MS, Math.max(left - REFRESH_AHEAD_MS, left / 2));
        int gen = generation;
        timer = context.timers().after(Duration.ofMillis(wait), () -> {
            if (gen == generation && step == Step.IDLE) {
                refresh();
            }
        });
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** The reply to one {@code auth}. */
    private final class Authing implements Requests.Pending {
        private final int gen;

        Authing(int gen) {
            this.gen = gen;
        }

        @Override
        public void onReply(Frame.Reply reply) {
            if (gen == generation && reply instanceof Frame.Authed authed) {
                step = Step.IDLE;
                failures = 0;
                lastAuthed = context.timers().now();
                scheduleBefore(authed.expiresAt());
            }
        }

        @Override
        public void onError(Frame.Error error) {
            if (gen == generation) {
                // Even a non-retryable refusal (a token for another sub) is worth another fetch: the
                // source may hand out a good one next time, and the expiry close bounds the attempts.
                retryLater(error.toException(), error.retryAfterMs());
            }
        }

        @Override
        public void onDropped() {
            // The socket is gone; onDisconnected started over.
        }
    }
}
