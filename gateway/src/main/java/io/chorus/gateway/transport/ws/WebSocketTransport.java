package io.chorus.gateway.transport.ws;

import io.chorus.gateway.session.Transport;
import io.chorus.schema.CloseReason;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * A {@link Transport} over a Vert.x server WebSocket. Frames are written as text frames straight from
 * the shared encoded buffer: each write takes a retained duplicate of the same bytes, so a message
 * is encoded once however many subscribers receive it (Vert.x's public API only builds text frames
 * from a String, which would re-encode per subscriber).
 */
final class WebSocketTransport implements Transport {

    private static final Buffer EMPTY = Buffer.buffer();

    private final ServerWebSocket ws;
    private final Context context;
    private Runnable onDrain;

    WebSocketTransport(ServerWebSocket ws, Context context, int writeQueueBytes) {
        this.ws = ws;
        this.context = context;
        ws.setWriteQueueMaxSize(writeQueueBytes);
        ws.drainHandler(v -> {
            Runnable r = onDrain;
            onDrain = null;
            if (r != null) {
                r.run();
            }
        });
    }

    @Override
    public void send(Buffer frame) {
        if (ws.isClosed()) {
            return;
        }
        ByteBuf bytes = ((BufferInternal) frame).getByteBuf().retainedDuplicate();
        ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, bytes, true));
    }

    @Override
    public void heartbeat(Buffer jsonPing) {
        if (!ws.isClosed()) {
            ws.writePing(EMPTY);
            send(jsonPing);
        }
    }

    @Override
    public boolean writable() {
        // A socket the peer already closed (its close handler not run yet) throws on writeQueueFull.
        return !ws.isClosed() && !ws.writeQueueFull();
    }

    @Override
    public void onWritable(Runnable action) {
        if (ws.isClosed()) {
            return; // the session's close handler is about to stop everything
        }
        if (writable()) {
            context.runOnContext(v -> action.run());
        } else {
            Runnable previous = onDrain;
            onDrain = previous == null ? action : () -> {
                previous.run();
                action.run();
            };
        }
    }

    @Override
    public void close(CloseReason reason) {
        if (!ws.isClosed()) {
            ws.close((short) reason.code(), reason.wireName());
        }
    }

    @Override
    public String kind() {
        return "ws";
    }
}
