package io.chorus.gateway.transport.ws;

import io.chorus.gateway.session.Out;
import io.chorus.gateway.session.Session;
import io.chorus.gateway.session.Transport;
import io.chorus.gateway.transport.CoalescingWriter;
import io.chorus.gateway.transport.Flusher;
import io.chorus.schema.CloseReason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} over a raw Netty channel after the handshake, and the last handler of its
 * pipeline: decoded frames come in, encoded frames go out from here, so nothing between this handler
 * and the socket runs per message (TLS would, if the server had it). Touched only on its event loop.
 *
 * <p><b>Encode once.</b> Text frames come from the event loop's {@link ServerFrames}: one encoding of a
 * message per event loop, a retained duplicate of it per socket.
 *
 * <p><b>Write, flush later.</b> Frames are written without a flush; the event loop's {@link Flusher}
 * flushes each touched socket once per batch. A control frame (pong, close) flushes at once, and with
 * it every frame written before it, in order.
 *
 * <p><b>Budget.</b> Netty's outbound buffer counts unflushed and unsent bytes alike; its high-water mark
 * is {@code connection.outboundBufferBytes}. {@link #writable()} reads it, and {@link #onWritable}
 * waits for the channel's writability event.
 *
 * <p><b>Close.</b> A client's close is answered (same code and reason) and the socket closed. A close
 * of ours is a close frame; the socket closes when the client answers, or after
 * {@code closeTimeoutMs}. A protocol violation (a frame past {@code http.maxFrameBytes}: 1009; others:
 * 1002) sends its close frame and half-closes, since the decoder no longer reads frames; the socket
 * closes when the client does, or after the same timeout. Whichever way, the channel going inactive
 * ends the session, once.
 *
 * <p><b>Context.</b> Netty calls this handler on the event loop but outside any Vert.x context, and the
 * session's code (timers, futures, {@code Vertx.currentContext()}) needs the Shard's: every call into
 * the session is dispatched on it, as Vert.x dispatched its WebSocket's handlers, and what it throws is
 * reported there instead of closing the socket.
 */
final class WebSocketTransport extends ChannelInboundHandlerAdapter implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketTransport.class);

    private final ServerFrames frames;
    private final ContextInternal context;
    private final Flusher flusher;
    private final long closeTimeoutMs;
    private ChannelHandlerContext ctx;
    private CoalescingWriter writer;
    private Session session;
    private FrameAssembler assembler;
    private Runnable onDrain;
    private boolean closeSent;
    private boolean closeReceived;
    private ScheduledFuture<?> closeTimer;

    WebSocketTransport(ServerFrames frames, Context context, Flusher flusher, long closeTimeoutMs) {
        this.frames = frames;
        this.context = (ContextInternal) context;
        this.flusher = flusher;
        this.closeTimeoutMs = closeTimeoutMs;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.writer = new CoalescingWriter(ctx, flusher);
    }

    /** Sends the handshake's answer and opens the session, which sends {@code connected}. */
    void open(Session session, FrameAssembler assembler, ByteBuf handshakeResponse) {
        this.session = session;
        this.assembler = assembler;
        writer.write(handshakeResponse, handshakeResponse.readableBytes());
        session.open();
    }

    boolean opened() {
        return session != null;
    }

    /**
     * Frames that many sockets share (messages, presence and occupancy events, notices, pings) come
     * from the event loop's cache; the rest are this socket's own and are encoded once for it.
     */
    @Override
    public void send(Out kind, Buffer frame) {
        if (!closeSent) { // nothing may follow a close frame
            ByteBuf bytes = switch (kind) {
                case MESSAGE, PRESENCE_EVENT, PRESENCE_SYNC, OCCUPANCY, STREAM, PING -> frames.text(frame);
                default -> ServerFrames.single(frame);
            };
            writer.write(bytes, bytes.readableBytes());
        }
    }

    @Override
    public void heartbeat(Buffer jsonPing) {
        if (!closeSent) {
            writer.write(ServerFrames.ping(), 2);
            send(Out.PING, jsonPing);
        }
    }

    @Override
    public boolean duplex() {
        return true;
    }

    @Override
    public boolean writable() {
        Channel ch = ctx.channel();
        return ch.isWritable() && ch.isActive();
    }

    @Override
    public void onWritable(Runnable action) {
        if (!ctx.channel().isActive()) {
            return; // the session is about to be closed: it stops everything
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
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Runnable r = onDrain;
        if (r != null && writable()) {
            onDrain = null;
            context.dispatch(r); // written to again and full again: it waits for the next event
        }
    }

    @Override
    public void close(CloseReason reason) {
        if (!closeSent && !closeReceived && ctx.channel().isActive()) {
            sendClose(ServerFrames.close(reason.code(), reason.wireName()), false);
        }
    }

    @Override
    public String kind() {
        return "ws";
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ContextInternal previous = context.beginDispatch();
        try {
            if (msg instanceof CloseWebSocketFrame close) {
                onClose(close);
            } else if (closeSent || !(msg instanceof WebSocketFrame frame)) {
                return; // closing: the client's last frames are not read; or the end of the upgrade request
            } else if (frame instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(ServerFrames.control(ServerFrames.PONG, frame.content()));
            } else if (frame instanceof PongWebSocketFrame) {
                session.onActivity();
            } else {
                assembler.handle(frame);
            }
        } catch (RuntimeException e) {
            context.reportException(e);
        } finally {
            context.endDispatch(previous);
            ReferenceCountUtil.release(msg);
        }
    }

    private void onClose(CloseWebSocketFrame close) {
        closeReceived = true;
        if (closeSent) {
            ctx.close(); // the client answered ours
            return;
        }
        closeSent = true;
        int code = close.statusCode();
        ByteBuf answer = code < 0 ? ServerFrames.emptyClose() : ServerFrames.close(code, close.reasonText());
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    /** Writes a close frame (and everything before it); the socket closes by the timeout at the latest. */
    private void sendClose(ByteBuf closeFrame, boolean halfClose) {
        closeSent = true;
        var written = ctx.writeAndFlush(closeFrame);
        if (halfClose) {
            written.addListener(f -> {
                if (ctx.channel() instanceof DuplexChannel duplex && f.isSuccess()) {
                    duplex.shutdownOutput();
                } else {
                    ctx.close();
                }
            });
        }
        closeTimer = ctx.executor().schedule(() -> ctx.close(), closeTimeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("websocket {} error: {}", ctx.channel().remoteAddress(), cause.toString());
        if (cause instanceof CorruptedWebSocketFrameException bad && !closeSent && ctx.channel().isActive()) {
            String reason = bad.getMessage() != null ? bad.getMessage() : bad.closeStatus().reasonText();
            sendClose(ServerFrames.close(bad.closeStatus().code(), reason), true);
        } else {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close(); // only when the server has an idle timeout, as Vert.x's own connections do
        }
        // Vert.x's ShutdownEvent needs nothing: the server closes the channel right after it.
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (closeTimer != null) {
            closeTimer.cancel(false);
        }
        onDrain = null;
        if (session != null) {
            context.dispatch(session::onClosed); // releases the admission slot, subscriptions and presence
        }
    }
}
