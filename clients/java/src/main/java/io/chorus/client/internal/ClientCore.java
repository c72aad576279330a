package io.chorus.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.client.Backoff;
import io.chorus.client.ConnectionState;
import io.chorus.client.MessageListener;
import io.chorus.client.PublishResult;
import io.chorus.client.StateReason;
import io.chorus.client.SubscribeOptions;
import io.chorus.client.Subscription;
import io.chorus.client.internal.ws.WsConfig;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.CloseReason;
import io.chorus.schema.ErrorCode;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The connection state machine, on its own core thread (see the package doc):
 * {@code DISCONNECTED -> CONNECTING} on connect() or when the backoff delay is over;
 * {@code CONNECTING -> CONNECTED} on the server's {@code connected} frame (an open socket is not enough);
 * {@code CONNECTING|CONNECTED -> DISCONNECTED} on any close, network error or silent server, with the
 * next attempt scheduled; {@code -> FAILED} on a close code in 4100-4199; {@code -> CLOSED} on close().
 * The two last are terminal: every pending subscribe and publish fails then.
 */
public final class ClientCore implements WsConnection.Events, Link {

    private static final System.Logger LOG = System.getLogger(ClientCore.class.getName());
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static final long CLOSE_WAIT_SECONDS = 5;
    /** Past this many failures in a row the backoff is long capped anyway; stops the counter growing. */
    private static final int MAX_COUNTED_FAILURES = 1000;

    private final ClientOptions options;
    private final ScheduledThreadPoolExecutor coreThread;
    private final HttpClient http;
    /** The WebSocket's settings, from the application's HttpClient: {@link WsConnection#config}. */
    private final WsConfig wsConfig;
    private final Listeners listeners = new Listeners();
    private final Delivery delivery;
    private final FrameCodec codec;
    private final Backoff backoff;
    private final Timers timers;
    private final Requests requests = new Requests();
    private final Subscriptions subscriptions;
    private final Publisher publisher;
    private final Presence presence;
    private final Queries queries;
    private final Watchdog watchdog;
    private final TokenSource tokens;
    private final TokenRefresher refresher;
    private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();

    private volatile ConnectionState state = ConnectionState.DISCONNECTED;
    private volatile String clientId;
    // Core thread only from here on.
    private boolean started;
    private boolean everConnected;
    private WsConnection conn;
    private boolean up;
    private boolean readingPaused;
    private int failures;
    private long connectedAt;
    private long stableAfterMs;
    private Future<?> reconnectTimer;
    /** Bumped by every attempt and every drop: a token fetched for an abandoned attempt is not used. */
    private int attempt;

    public ClientCore(ClientOptions options) {
        this.options = options;
        String name = "chorus-client-" + CLIENTS.incrementAndGet();
        coreThread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name + "-core");
            t.setDaemon(true);
            return t;
        });
        coreThread.setRemoveOnCancelPolicy(true);
        coreThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        delivery = new Delivery(name + "-delivery", options.maxBufferedMessages(),
                () -> post(this::resumeReading), listeners::fireError);
        codec = new FrameCodec(options.mapper());
        backoff = new Backoff(options.backoffInitial(), options.backoffMax(), options.random());
        timers = new Timers(options.scheduler() != null ? options.scheduler() : coreThread, options.clock(), this::post);
        http = options.httpClient() != null ? options.httpClient() : ClientOptions.defaultHttpClient();
        wsConfig = WsConnection.config(options.httpClient());
        CoreContext context = new CoreContext(this, codec, delivery, timers, backoff, options.publishRetryLimit(),
                this::post);
        subscriptions = new Subscriptions(context);
        publisher = new Publisher(context, options.maxPublishesInFlight());
        presence = new Presence(context, this::report);
        queries = new Queries(context);
        watchdog = new Watchdog(timers, () -> readingPaused, this::onSilence);
        tokens = new TokenSource(options.auth(), http, options.mapper(), delivery);
        refresher = new TokenRefresher(context, tokens, options.connectTimeout(), this::report);
    }

    public Listeners listeners() {
        return listeners;
    }

    public ConnectionState state() {
        return state;
    }

    public String clientId() {
        return clientId;
    }

    public CompletableFuture<Void> connect() {
        if (state.terminal() || !post(this::start)) {
            return CompletableFuture.failedFuture(notOpen());
        }
        return firstConnect;
    }

    public Subscription subscribe(String channel, SubscribeOptions opts, MessageListener listener) {
        SubscriptionImpl sub = new SubscriptionImpl(channel, opts, listener, this::unsubscribe);
        String problem = ChannelName.problem(channel);
        if (problem != null) {
            sub.cancel(); // fails fast, on the caller's thread, like a bad publish
            sub.ready.completeExceptionally(new ChorusException(ErrorCode.INVALID_CHANNEL, problem));
        } else if (!post(() -> {
            if (state.terminal()) {
                sub.cancel();
                delivery.fail(sub.ready, notOpen());
            } else {
                subscriptions.add(sub);
            }
        })) {
            sub.ready.completeExceptionally(notOpen());
        }
        return sub;
    }

    private CompletableFuture<Void> unsubscribe(SubscriptionImpl sub) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!post(() -> subscriptions.unsubscribe(sub, done))) {
            done.complete(null);
        }
        return done;
    }

    public CompletableFuture<PublishResult> publish(PublishRequest request) {
        CompletableFuture<PublishResult> result = new CompletableFuture<>();
        if (!publisher.reserve()) {
            result.completeExceptionally(Publisher.tooMany(publisher.maxInFlight()));
        } else if (!post(() -> {
            if (state.terminal()) {
                publisher.release();
                delivery.fail(result, notOpen());
            } else {
                publisher.add(request, result);
            }
        })) {
            publisher.release();
            result.completeExceptionally(notOpen());
        }
        return result;
    }

    /** {@code type} is {@code enter} or {@code update}; {@code data} null for none. */
    public CompletableFuture<Void> setPresence(String type, String channel, JsonNode data) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (!checkChannel(channel, result)) {
            return result;
        }
        runOrFail(result, () -> presence.set(type, channel, data, result));
        return result;
    }

    public CompletableFuture<Void> leave(String channel) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (checkChannel(channel, result)) {
            runOrFail(result, () -> presence.leave(channel, result));
        }
        return result;
    }

    /** {@code type} is {@code presence} or {@code occupancy}. */
    public CompletableFuture<Object> query(String type, String channel) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        if (checkChannel(channel, result)) {
            runOrFail(result, () -> queries.add(type, channel, result));
        }
        return result;
    }

    private static boolean checkChannel(String channel, CompletableFuture<?> result) {
        String problem = ChannelName.problem(channel);
        if (problem != null) {
            result.completeExceptionally(new ChorusException(ErrorCode.INVALID_CHANNEL, problem));
        }
        return problem == null;
    }

    /** Runs {@code task} on the core thread, or fails {@code result} when the client is closed or failed. */
    private void runOrFail(CompletableFuture<?> result, Runnable task) {
        if (!post(() -> {
            if (state.terminal()) {
                delivery.fail(result, notOpen());
            } else {
                task.run();
            }
        })) {
            result.completeExceptionally(notOpen());
        }
    }

    /** Closes with 1000 and waits (briefly) until the core has failed what was pending. */
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (post(() -> {
            closeOnCore();
            done.complete(null);
        })) {
            try {
                done.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // Best effort: the threads below end regardless.
            }
        }
        coreThread.shutdown();
        delivery.shutdown();
    }

    // ---- core thread: lifecycle ----

    private void start() {
        if (!started && !state.terminal()) {
            started = true;
            open("connecting");
        }
    }

    /**
     * A new attempt: fetch a token (a fresh one before every connect, PROTOCOL.md "Authentication"),
     * then open the socket with it. The connect timeout covers both.
     */
    private void open(String why) {
        up = false;
        readingPaused = false;
        int current = ++attempt;
        // Timers are armed before listeners hear of the state, so whoever sees it sees them too.
        watchdog.arm(options.connectTimeout().toMillis());
        setState(ConnectionState.CONNECTING, new StateReason(StateReason.NO_CODE, why, null, null));
        tokens.fetch(options.connectTimeout()).whenComplete((token, error) -> post(() -> {
            if (current != attempt || state != ConnectionState.CONNECTING) {
                return; // given up on (silence, close()) while the token was on its way
            }
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                lose(new StateReason(StateReason.NO_CODE, "could not get a token", cause, null), 0);
            } else {
                conn = WsConnection.open(wsConfig, options.uri(), options.connectTimeout(), token, this::post, this);
            }
        }));
    }

    private void onConnected(Frame.Connected f) {
        if (up) {
            report(new ChorusException(ErrorCode.INVALID_FIELD, "a second connected frame on one socket"));
            return;
        }
        up = true;
        if (f.clientId() != null) {
            clientId = f.clientId();
        }
        long heartbeat = f.heartbeatMs();
        connectedAt = timers.now();
        stableAfterMs = heartbeat > 0 ? heartbeat : options.backoffMax().toMillis();
        watchdog.arm(heartbeat > 0 ? heartbeat + options.heartbeatMargin().toMillis() : 0);
        String id = f.connectionId() == null ? "connected" : f.connectionId();
        setState(ConnectionState.CONNECTED, new StateReason(StateReason.NO_CODE, id, null, null));
        refresher.onConnected();
        subscriptions.onConnected();
        presence.onConnected();
        publisher.onConnected();
        queries.onConnected();
        if (!everConnected) {
            everConnected = true;
            delivery.complete(firstConnect, null);
        }
    }

    /**
     * The socket is gone but the client is not: schedule the next attempt, then say so. The delay
     * starts over only after a connection that lasted a heartbeat interval: one that the server ends
     * right after {@code connected} (a crash loop, a frame it keeps refusing) counts as a failure, or
     * every client would hammer a sick gateway several times a second.
     */
    private void lose(StateReason why, long retryAfterMs) {
        if (up && timers.now() - connectedAt >= stableAfterMs) {
            failures = 0;
        }
        detach();
        Duration wait = backoff.delay(failures);
        if (retryAfterMs > wait.toMillis()) {
            wait = Duration.ofMillis(retryAfterMs); // the server said when: never sooner (PROTOCOL.md)
        }
        failures = Math.min(failures + 1, MAX_COUNTED_FAILURES);
        Timers.cancel(reconnectTimer); // one pending attempt at most, whatever path led here twice
        reconnectTimer = timers.after(wait, this::reconnect);
        setState(ConnectionState.DISCONNECTED, new StateReason(why.closeCode(), why.text(), why.error(), wait));
    }

    private void reconnect() {
        if (state == ConnectionState.DISCONNECTED) {
            open("reconnect attempt " + failures);
        }
    }

    private void fail(StateReason why) {
        detach();
        Timers.cancel(reconnectTimer);
        setState(ConnectionState.FAILED, why);
        endEverything(new IllegalStateException("the connection failed for good: " + why));
    }

    private void closeOnCore() {
        if (state.terminal()) {
            return; // closing a FAILED client only releases its threads
        }
        if (conn != null) {
            conn.close(1000, "client closed");
        }
        detach();
        Timers.cancel(reconnectTimer);
        setState(ConnectionState.CLOSED, new StateReason(1000, "closed by the application", null, null));
        endEverything(new IllegalStateException("the client is closed"));
    }

    private void detach() {
        up = false;
        conn = null;
        attempt++;
        watchdog.stop();
        refresher.onDisconnected();
        requests.dropAll();
        subscriptions.onDisconnected();
    }

    private void endEverything(Throwable why) {
        subscriptions.endAll(why);
        publisher.failAll(why);
        presence.endAll(why);
        queries.failAll(why);
        delivery.fail(firstConnect, why);
    }

    // ---- core thread: socket events ----

    @Override
    public void onText(WsConnection c, String text) {
        if (c != conn) {
            return;
        }
        watchdog.heard();
        Frame frame = null;
        try {
            frame = codec.decode(text);
        } catch (ChorusException e) {
            report(e); // one bad frame is the server's bug, not a reason to drop the connection
        }
        if (frame != null) {
            dispatch(frame);
        }
        if (c == conn) {
            pauseIfBehind();
        }
    }

    private void dispatch(Frame frame) {
        if (frame instanceof Frame.MessageFrame m) {
            subscriptions.onMessage(m.message());
        } else if (frame instanceof Frame.Ping) {
            conn.send(codec.pong());
        } else if (frame instanceof Frame.Connected c) {
            onConnected(c);
        } else if (frame instanceof Frame.AuthExpiring) {
            refresher.onAuthExpiring();
        } else if (frame instanceof Frame.PresenceSync p) {
            subscriptions.onPresenceSync(p.members());
        } else if (frame instanceof Frame.PresenceChange p) {
            subscriptions.onPresenceChange(p);
        } else if (frame instanceof Frame.OccupancyEvent o) {
            subscriptions.onOccupancy(o.occupancy());
        } else if (frame instanceof Frame.Error e && e.ref() == null) {
            if (e.channel() == null || !subscriptions.onEnded(e)) {
                report(e.toException());
            }
        } else if (frame instanceof Frame.Reply reply) {
            Requests.Pending pending = requests.take(reply.ref());
            if (pending == null) {
                report(new ChorusException(ErrorCode.INVALID_FIELD,
                        "reply to an unknown ref '" + FrameCodec.quote(reply.ref()) + "'"));
            } else if (reply instanceof Frame.Error e) {
                pending.onError(e);
            } else {
                pending.onReply(reply);
            }
        }
        // Pong: the watchdog has counted it already; that is all it is for.
    }

    /**
     * Backpressure: past maxBufferedMessages undelivered callbacks, stop reading the socket. The
     * socket asks for the next message by itself otherwise (WsConnection: it must never be left
     * without a request between messages).
     */
    private void pauseIfBehind() {
        if (!readingPaused && delivery.backlog() >= options.maxBufferedMessages()) {
            readingPaused = true;
            conn.pause();
        }
    }

    private void resumeReading() {
        if (readingPaused && conn != null) {
            readingPaused = false;
            watchdog.heard();
            conn.resume();
        }
    }

    @Override
    public void onBinary(WsConnection c) {
        if (c == conn) {
            report(new ChorusException(ErrorCode.BINARY_NOT_SUPPORTED, "the server sent a binary frame"));
        }
    }

    @Override
    public void onClosed(WsConnection c, int code, String reason) {
        if (c == conn) {
            StateReason why = new StateReason(code, reason, null, null);
            if (code >= 4100 && code <= 4199) {
                fail(why);
            } else if (code == CloseReason.TOKEN_EXPIRED.code() && tokens.present() && !tokens.renewable()) {
                fail(new StateReason(code, reason + ": a fixed token cannot be renewed (use authCallback or authUrl)",
                        null, null));
            } else {
                lose(why, 0);
            }
        }
    }

    @Override
    public void onFailure(WsConnection c, Throwable error) {
        if (c == conn) {
            c.abort();
            lose(new StateReason(StateReason.NO_CODE, "network error", error, null),
                    WsConnection.retryAfterMs(error));
        }
    }

    private void onSilence() {
        String what = up ? "nothing from the server for heartbeatMs + margin" : "no connected frame within the connect timeout";
        if (conn != null) {
            conn.abort();
        }
        lose(new StateReason(StateReason.NO_CODE, what, null, null), 0);
    }

    // ---- Link, for the subscription and publish bookkeeping ----

    @Override
    public boolean isUp() {
        return up;
    }

    @Override
    public void send(Requests.Pending pending, Function<String, String> frame) {
        conn.send(frame.apply(requests.register(pending)));
    }

    // ---- helpers ----

    private void setState(ConnectionState next, StateReason why) {
        state = next;
        delivery.run(() -> listeners.fireState(next, why));
    }

    private void report(Throwable error) {
        delivery.run(() -> listeners.fireError(error));
    }

    /**
     * The executor keeps a task's exception in a future nobody reads: without this, a bug in a core
     * task would vanish and leave its request hanging. It is logged and goes to the error listeners;
     * the core thread carries on with the next event.
     */
    private void runGuarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "a task on the client's core thread failed", e);
            report(new IllegalStateException("internal error in the client (a bug: please report it): " + e, e));
        }
    }

    private IllegalStateException notOpen() {
        return new IllegalStateException("the client is " + state);
    }

    private boolean post(Runnable task) {
        try {
            coreThread.execute(() -> runGuarded(task));
            return true;
        } catch (RejectedExecutionException e) {
            return false; // closed: the task has nothing left to act on
        }
    }
}
