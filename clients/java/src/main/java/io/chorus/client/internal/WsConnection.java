package io.chorus.client.internal;

import io.chorus.client.internal.ws.HandshakeException;
import io.chorus.client.internal.ws.WebSocket;
import io.chorus.client.internal.ws.WsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * One WebSocket to the gateway, on the client's own {@link WebSocket}; the only class the core knows
 * the transport through. It posts every event to the core thread, in the order the socket read them,
 * and bounds what waits for the core.
 *
 * <p><b>A drop is noticed at once, even while the application is behind.</b> The socket's reader must
 * keep reading to see an end of stream, so a pause does not stop it: while the core has paused (or has
 * {@link #MAX_READ_AHEAD} messages it has not handled), messages are held here, up to
 * {@link #MAX_HELD_CHARS}. Only past that does the reader wait, which stops reading and pushes back on
 * the server through TCP; a drop then is noticed when the application catches up (the watchdog does
 * not count a pause as silence). When the socket ends, what is held goes to the core at once, then the
 * close: the core sees every message the server sent before it, in order.
 *
 * <p>Threads: the {@code WebSocket.Listener} methods run on the socket's reader thread, one at a time;
 * everything else runs on the core thread. {@link #lock} guards the hand-over between them and is
 * never held while doing I/O or calling the core.
 */
public final class WsConnection implements WebSocket.Listener {

    /** Events, delivered on the core thread. A connection the core has let go of may still send some. */
    public interface Events {
        void onText(WsConnection connection, String text);

        void onBinary(WsConnection connection);

        void onClosed(WsConnection connection, int code, String reason);

        void onFailure(WsConnection connection, Throwable error);
    }

    /** Bounds one server message: a few times the gateway's maxMessageBytes, never this. */
    static final int MAX_MESSAGE_BYTES = 16 << 20;
    /** Messages posted to the core at most: bounds what waits on the core thread when it falls behind. */
    static final int MAX_READ_AHEAD = 8;
    /** Characters held while the core is paused or behind, before the reader stops reading. */
    static final int MAX_HELD_CHARS = 1 << 20;
    /** A binary message in {@link #held}: the gateway never sends one; the core only reports it. */
    private static final String BINARY = new String("<binary>");

    private final Executor core;
    private final Events events;
    private final Object lock = new Object();
    // Guarded by lock.
    private final ArrayDeque<String> held = new ArrayDeque<>();
    private long heldChars;
    private int unhandled;
    private boolean paused;
    /** Set once the core has let go: socket events are then dropped, and a waiting reader let go. */
    private volatile boolean discarded;
    private volatile WebSocket socket;

    private WsConnection(Executor core, Events events) {
        this.core = core;
        this.events = events;
    }

    /**
     * The WebSocket settings taken from the application's HttpClient, if it gave one: TLS context and
     * parameters, proxy, cookies. HTTP requests (token URLs) keep using that client itself.
     */
    public static WsConfig config(HttpClient given) {
        if (given == null) {
            return new WsConfig(null, null, null, null, MAX_MESSAGE_BYTES, WsConfig.DEFAULT_MAX_QUEUED_BYTES,
                    WsConfig.DEFAULT_CLOSE_GRACE);
        }
        return new WsConfig(given.sslContext(), given.sslParameters(), given.proxy().orElse(null),
                given.cookieHandler().orElse(null), MAX_MESSAGE_BYTES, WsConfig.DEFAULT_MAX_QUEUED_BYTES,
                WsConfig.DEFAULT_CLOSE_GRACE);
    }

    /** {@code bearer}: the token for the upgrade's {@code Authorization} header, or null for none. */
    public static WsConnection open(WsConfig config, URI uri, Duration timeout, String bearer, Executor core,
                                    Events events) {
        WsConnection c = new WsConnection(core, events);
        Map<String, List<String>> headers = bearer == null ? Map.of()
                : Map.of("Authorization", List.of("Bearer " + bearer));
        c.socket = WebSocket.open(config, uri, headers, timeout.toMillis(), c);
        return c;
    }

    /** Core thread. Queues a text frame; frames go out in the order given. */
    public void send(String text) {
        WebSocket ws = socket;
        if (!discarded && !ws.sendText(text) && !ws.closing()) {
            // maxQueuedBytes wait to be written: the server stopped reading. (A closing socket's end is on its way.)
            post(() -> events.onFailure(this, new IOException("more than " + WsConfig.DEFAULT_MAX_QUEUED_BYTES
                    + " bytes wait to be written: the server does not read")));
        }
    }

    /** Core thread. The application is behind: hand nothing more to the core until {@link #resume}. */
    public void pause() {
        synchronized (lock) {
            paused = true;
        }
    }

    /** Core thread. The application caught up: hand over what was held. */
    public void resume() {
        synchronized (lock) {
            paused = false;
            drainLocked();
        }
    }

    /** Core thread. Sends a close frame; the socket winds down on its own (bounded by its grace). */
    public void close(int code, String reason) {
        letGo();
        socket.close(code, reason);
    }

    /** Core thread. Drops the socket without a close handshake (it is dead or we gave up on it). */
    public void abort() {
        letGo();
        socket.abort();
    }

    private void letGo() {
        discarded = true;
        synchronized (lock) {
            held.clear();
            heldChars = 0;
            lock.notifyAll();
        }
    }

    // ---- the socket's reader thread ----

    @Override
    public void onOpen(WebSocket ws, Map<String, List<String>> headers) {
        // Nothing yet: the connection is up when the server's "connected" frame arrives.
    }

    @Override
    public void onText(WebSocket ws, String text) {
        hold(text);
    }

    @Override
    public void onBinary(WebSocket ws, int length) {
        hold(BINARY);
    }

    private void hold(String item) {
        synchronized (lock) {
            if (discarded) {
                return;
            }
            held.add(item);
            heldChars += item.length();
            drainLocked();
            while (heldChars > MAX_HELD_CHARS && !discarded) {
                try {
                    lock.wait(); // the reader stops: TCP pushes back on the server
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void onClosed(WebSocket ws, int code, String reason) {
        end(() -> events.onClosed(this, code, reason));
    }

    @Override
    public void onFailure(WebSocket ws, Throwable error) {
        end(() -> events.onFailure(this, error));
    }

    /** The socket ended: what is held goes to the core now, paused or not, and the end after it. */
    private void end(Runnable event) {
        synchronized (lock) {
            if (discarded) {
                return;
            }
            while (!held.isEmpty()) {
                handOver(held.poll());
            }
            heldChars = 0;
            post(event);
        }
    }

    // ---- both threads, under the lock ----

    private void drainLocked() {
        boolean freed = false;
        while (!paused && unhandled < MAX_READ_AHEAD && !held.isEmpty()) {
            String item = held.poll();
            heldChars -= item.length();
            handOver(item);
            freed = true;
        }
        if (freed) {
            lock.notifyAll();
        }
    }

    private void handOver(String item) {
        unhandled++;
        post(() -> {
            try {
                if (item == BINARY) {
                    events.onBinary(this);
                } else {
                    events.onText(this, item);
                }
            } finally {
                synchronized (lock) {
                    unhandled--;
                    drainLocked();
                }
            }
        });
    }

    /** A refused upgrade (503 overloaded, draining) may say when to come back: {@code Retry-After} seconds. */
    static long retryAfterMs(Throwable error) {
        if (error instanceof HandshakeException h && h.header("retry-after") != null) {
            try {
                return Math.max(0, Long.parseLong(h.header("retry-after").trim())) * 1000;
            } catch (NumberFormatException e) {
                return 0L; // an HTTP date, or garbage: the backoff alone decides
            }
        }
        return 0;
    }

    private void post(Runnable event) {
        core.execute(event);
    }
}
