package io.chorus.client.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One WebSocket to the gateway, on {@code java.net.http}; the only class that knows the transport. It
 * reassembles fragmented text messages, serializes sends (the JDK allows one outstanding
 * {@code sendText}) and posts every event to the core thread.
 *
 * <p><b>Always one request outstanding.</b> The JDK's WebSocket (17.0.15, and OpenJDK's current
 * source) loses an end of stream without a close frame that it reads while the listener has no
 * request outstanding: {@code TransportImpl} stops its receive task, then acknowledging the end
 * throws an InternalError (no demand to take it from), so neither {@code onClose} nor
 * {@code onError} comes and the socket sits in CLOSE_WAIT until the watchdog gives up on it
 * (heartbeatMs plus the margin: 20 s by default). So the next message is asked for here, on the
 * listener's thread, before this one reaches the core, not by the core after it has acted on it:
 * otherwise a drop that follows a message (a pod dying, or the application reacting to a reply by
 * cutting the link) falls into that gap. Only two things hold a request back: the core's
 * {@link #pause} (a slow application pushes back on the server instead of growing a queue) and more
 * than {@link #MAX_READ_AHEAD} messages waiting for the core; a drop during such a pause is left to the
 * watchdog.
 *
 * <p><b>The JDK's own gap, narrowed by a direct executor.</b> The JDK's transport gives back its one
 * request when it hands a message over, and takes a new one only after the listener's
 * {@code onText} has returned; by default that hand-over goes from its selector thread to a pool
 * thread, and an end of stream the selector reads in between is lost all the same. {@link #client}
 * builds the WebSocket's HttpClient with an executor that runs tasks where they are handed over: the
 * listener then runs on the selector thread inside the transport's read, and the transport mostly has
 * its next request before it reads again. The listener only appends and posts to the core, so the
 * selector never waits on it. Measured with both cores busy (drop right after a reply, as in
 * PresenceIT): 15 of 200 drops unnoticed with the early request alone, 0 of 600 with both. A harsher
 * case (the answer and the end of stream in one write) still loses 2 in 60 (17 in 60 without the
 * executor): those are left to the watchdog, as is a drop during a pause.
 *
 * <p>Threads: the {@code WebSocket.Listener} methods run on the HttpClient's threads, one at a time;
 * everything else runs on the core thread, except {@link #settle}, which either may call.
 */
public final class WsConnection implements WebSocket.Listener {

    /** Events, delivered on the core thread. A connection the core has let go of may still send some. */
    public interface Events {
        void onText(WsConnection connection, String text);

        void onBinary(WsConnection connection);

        void onClosed(WsConnection connection, int code, String reason);

        void onFailure(WsConnection connection, Throwable error);
    }

    /** Bounds reassembly: a server message is at most a few times maxMessageBytes, never this. */
    static final int MAX_TEXT_CHARS = 16 << 20;
    /** A peer that never answers our close must not keep the socket open forever. */
    private static final long CLOSE_GRACE_SECONDS = 5;
    /** Messages read ahead of the core at most: bounds what waits on the core thread when it falls behind. */
    static final int MAX_READ_AHEAD = 8;

    private final Executor core;
    private final Events events;
    private final StringBuilder partial = new StringBuilder();
    private final ArrayDeque<String> outbox = new ArrayDeque<>();
    private volatile WebSocket socket;
    /** Set once the core has let go: socket callbacks then only drain, and post nothing. */
    private volatile boolean discarded;
    private boolean sending;
    /** Messages posted to the core that it has not handled yet. */
    private final AtomicInteger unhandled = new AtomicInteger();
    /** Set by the core while the application is behind. */
    private volatile boolean paused;
    /**
     * A request the socket is owed but that was held back. Whoever lifts what held it back (the
     * listener, the core) sets or clears its own flag first and then calls {@link #settle}; one of
     * them sees the other's write, and the compare-and-set sends the request once.
     */
    private final AtomicBoolean owed = new AtomicBoolean();

    private WsConnection(Executor core, Events events) {
        this.core = core;
        this.events = events;
    }

    /**
     * The HttpClient for WebSockets: the application's settings (TLS, proxy, authenticator, cookies,
     * connect timeout) when it gave a client, with a direct executor (see the class doc). HTTP requests
     * (token URLs) keep the application's client.
     */
    public static HttpClient client(HttpClient given) {
        HttpClient.Builder b = HttpClient.newBuilder().executor(Runnable::run);
        if (given != null) {
            b.sslContext(given.sslContext()).sslParameters(given.sslParameters());
            given.proxy().ifPresent(b::proxy);
            given.authenticator().ifPresent(b::authenticator);
            given.cookieHandler().ifPresent(b::cookieHandler);
            given.connectTimeout().ifPresent(b::connectTimeout);
        }
        return b.build();
    }

    /** {@code bearer}: the token for the upgrade's {@code Authorization} header, or null for none. */
    public static WsConnection open(HttpClient http, URI uri, Duration timeout, String bearer, Executor core,
                                    Events events) {
        WsConnection c = new WsConnection(core, events);
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(timeout);
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        builder.buildAsync(uri, c).whenComplete((ws, error) -> {
            if (error != null) {
                c.post(() -> events.onFailure(c, error instanceof CompletionException ? error.getCause() : error));
            }
        });
        return c;
    }

    /** Core thread. Queues a text frame; frames go out in the order given. */
    public void send(String text) {
        if (discarded || socket == null) {
            return;
        }
        outbox.add(text);
        if (!sending) {
            pump();
        }
    }

    private void pump() {
        String next = outbox.poll();
        sending = next != null;
        if (next != null && !discarded) {
            socket.sendText(next, true).whenComplete((ws, error) -> post(() -> {
                if (error != null) {
                    events.onFailure(this, error);
                } else {
                    pump();
                }
            }));
        }
    }

    /** Core thread. The application is behind: ask for nothing more until {@link #resume}. */
    public void pause() {
        paused = true;
    }

    /** Core thread. The application caught up: send the request a pause held back, if any. */
    public void resume() {
        paused = false;
        settle();
    }

    /** Any thread. Sends the owed request unless a pause or a full read-ahead holds it back. */
    private void settle() {
        WebSocket ws = socket;
        if (ws != null && !discarded && !paused && unhandled.get() <= MAX_READ_AHEAD && owed.compareAndSet(true, false)) {
            ws.request(1);
        }
    }

    /** Core thread. Sends a close frame and lets the socket wind down on its own. */
    public void close(int code, String reason) {
        discarded = true;
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(code, reason).whenComplete((w, error) -> {
                if (error != null) {
                    ws.abort();
                }
            });
            // Cleanup, not logic: real time is fine here.
            CompletableFuture.delayedExecutor(CLOSE_GRACE_SECONDS, TimeUnit.SECONDS).execute(ws::abort);
        }
    }

    /** Core thread. Drops the socket without a close handshake (it is dead or we gave up on it). */
    public void abort() {
        discarded = true;
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    @Override
    public void onOpen(WebSocket ws) {
        socket = ws;
        if (discarded) {
            ws.abort(); // the core gave up on this handshake while it was in flight
            return;
        }
        ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        if (discarded) {
            ws.request(1);
            return null;
        }
        partial.append(data);
        if (partial.length() > MAX_TEXT_CHARS) {
            partial.setLength(0);
            discarded = true;
            ws.abort();
            post(() -> events.onFailure(this, new IOException("server message longer than " + MAX_TEXT_CHARS + " chars")));
            return null;
        }
        if (!last) {
            ws.request(1);
            return null;
        }
        String text = partial.toString();
        partial.setLength(0);
        unhandled.incrementAndGet();
        owed.set(true);
        settle(); // before the core, and so the application, can act on this message: see the class doc
        post(() -> {
            try {
                events.onText(this, text);
            } finally {
                unhandled.decrementAndGet();
                settle();
            }
        });
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        if (last && !discarded) {
            post(() -> events.onBinary(this));
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        if (!discarded) {
            post(() -> events.onClosed(this, code, reason));
        }
        return null; // the JDK answers the close for us
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        if (!discarded) {
            post(() -> events.onFailure(this, error));
        }
    }

    /** A refused upgrade (503 overloaded, draining) may say when to come back: {@code Retry-After} seconds. */
    static long retryAfterMs(Throwable error) {
        if (error instanceof WebSocketHandshakeException h && h.getResponse() != null) {
            return h.getResponse().headers().firstValue("retry-after").map(v -> {
                try {
                    return Math.max(0, Long.parseLong(v.trim())) * 1000;
                } catch (NumberFormatException e) {
                    return 0L; // an HTTP date, or garbage: the backoff alone decides
                }
            }).orElse(0L);
        }
        return 0;
    }

    private void post(Runnable event) {
        core.execute(event);
    }
}
