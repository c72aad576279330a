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

/**
 * One WebSocket to the gateway, on {@code java.net.http}; the only class that knows the transport. It
 * reassembles fragmented text messages, serializes sends (the JDK allows one outstanding
 * {@code sendText}) and posts every event to the core thread. It reads one message at a time and
 * asks for the next only when the core calls {@link #requestNext()}: that is how a slow application
 * pushes back on the server instead of growing a queue.
 *
 * <p>Threads: the {@code WebSocket.Listener} methods run on the HttpClient's threads, one at a time;
 * everything else runs on the core thread.
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

    private final Executor core;
    private final Events events;
    private final StringBuilder partial = new StringBuilder();
    private final ArrayDeque<String> outbox = new ArrayDeque<>();
    private volatile WebSocket socket;
    /** Set once the core has let go: socket callbacks then only drain, and post nothing. */
    private volatile boolean discarded;
    private boolean sending;

    private WsConnection(Executor core, Events events) {
        this.core = core;
        this.events = events;
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

    /** Core thread. Asks the socket for the next message. */
    public void requestNext() {
        WebSocket ws = socket;
        if (ws != null && !discarded) {
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
        post(() -> events.onText(this, text));
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
