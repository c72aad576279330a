package io.chorus.gateway.transport.ws;

import io.chorus.gateway.session.Transport;
import io.chorus.gateway.transport.CoalescingWriter;
import io.chorus.gateway.transport.Flusher;
import io.chorus.schema.CloseReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * A {@link Transport} over a Vert.x server WebSocket.
 *
 * <p><b>Encode once.</b> Text frames are written straight from the shared encoded buffer: each write
 * takes a retained duplicate of the same bytes, so a message is encoded once however many subscribers
 * receive it.
 *
 * <p><b>Write, flush later.</b> Vert.x flushes every frame written outside its read loop (one
 * {@code write} system call per frame), so message frames bypass its write path: they go to the
 * socket's Netty pipeline (the same context Vert.x writes through, so the WebSocket encoder and any
 * extension still apply) without a flush, and the event loop's {@link Flusher} flushes each touched
 * socket once at the end of the batch. Order is kept: every frame of a socket enters Netty's one outbound buffer
 * in the order written, and a frame Vert.x writes later (a pong, a close) flushes the earlier ones.
 *
 * <p><b>Budget.</b> Unflushed and unsent bytes both count in Netty's outbound buffer, whose high-water
 * mark is {@code connection.outboundBufferBytes} ({@code setWriteQueueMaxSize}); {@link #writable()}
 * reads it. Vert.x's drain handler only fires for its own queue, which these writes skip, so
 * {@link #onWritable} waits instead for an empty write queued behind everything written so far: when
 * it completes, the socket has taken all of it.
 */
final class WebSocketTransport implements Transport {

    private final ServerWebSocket ws;
    private final ChannelHandlerContext chctx;
    private final CoalescingWriter writer;
    private final Context context;

    private Runnable onDrain;

    WebSocketTransport(ServerWebSocket ws, ChannelHandlerContext chctx, Context context, Flusher flusher,
                       int writeQueueBytes) {
        this.ws = ws;
        this.context = context;
        this.chctx = chctx;
        this.writer = new CoalescingWriter(chctx, flusher);
        ws.setWriteQueueMaxSize(writeQueueBytes);
    }

    @Override
    public void send(Buffer frame) {
        ByteBuf bytes = ((BufferInternal) frame).getByteBuf().retainedDuplicate();
        writer.write(new TextWebSocketFrame(true, 0, bytes), bytes.readableBytes());
    }

    @Override
    public void heartbeat(Buffer jsonPing) {
        if (!ws.isClosed()) {
            // Both frames in one flush (Vert.x's writePing would flush the ping on its own).
            writer.write(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER), 2);
            send(jsonPing);
        }
    }

    @Override
    public boolean writable() {
        // Netty's own state (no lock): a socket already closed is not writable either.
        Channel ch = chctx.channel();
        return ch.isWritable() && ch.isActive();
    }

    @Override
    public void onWritable(Runnable action) {
        if (!chctx.channel().isActive()) {
            return; // the session's close handler is about to stop everything
        }
        if (writable()) {
            context.runOnContext(v -> action.run());
            return;
        }
        Runnable previous = onDrain;
        onDrain = previous == null ? action : () -> {
            previous.run();
            action.run();
        };
        if (previous == null) {
            chctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                if (f.isSuccess()) {
                    drained();
                }
            });
        }
    }

    private void drained() {
        Runnable r = onDrain;
        onDrain = null;
        if (r == null) {
            return;
        }
        if (writable()) {
            r.run();
        } else {
            onWritable(r); // written to again meanwhile: wait for that too
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
