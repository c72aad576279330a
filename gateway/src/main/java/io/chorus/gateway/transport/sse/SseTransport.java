package io.chorus.gateway.transport.sse;

import io.chorus.gateway.session.Frames;
import io.chorus.gateway.session.Out;
import io.chorus.gateway.session.Session;
import io.chorus.gateway.session.Transport;
import io.chorus.gateway.transport.CoalescingWriter;
import io.chorus.gateway.transport.Flusher;
import io.chorus.schema.ChorusException;
import io.chorus.schema.CloseReason;
import io.chorus.schema.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;

/**
 * The SSE {@link Transport}: each frame is an event, {@code id:} (the session's positions token after
 * it), {@code event:} (the frame's type) and one {@code data:} line holding the same JSON object the
 * WebSocket transport sends. Each event is one HTTP chunk, so a proxy never holds half an event. An
 * error without a channel, and every close, end the response; the client reconnects with
 * {@code Last-Event-ID} (or its positions) and resumes.
 *
 * <p><b>Write, flush later</b>, as the WebSocket transport does: after the response's head (written
 * through Vert.x), events go to the connection's Netty pipeline as HTTP chunks without a flush, and
 * the event loop's {@link Flusher} flushes each response once per batch. Vert.x's own writes (the end
 * of the response) flush what came before. The budget is Netty's outbound buffer, which counts
 * unflushed bytes: {@code response.writeQueueFull()} and its drain handler read it (strict thread
 * mode). Over HTTP/2 (an h2c upgrade, or TLS with ALPN) events are written through Vert.x's stream
 * instead, one flush each.
 */
final class SseTransport implements Transport {

    private static final byte[] PING = ascii("event: ping\ndata: {\"type\":\"ping\"}\n\n");
    private static final byte[] ID = ascii("id: ");
    private static final byte[] EVENT = ascii("event: ");
    private static final byte[] DATA = ascii("\ndata: ");
    private static final byte[] END = ascii("\n\n");

    private final HttpServerResponse response;
    private final ChannelHandlerContext chctx;
    /** HTTP/1.x: chunks go straight into the pipeline. HTTP/2: through the response. */
    private final boolean direct;
    private final CoalescingWriter writer;
    private final Context context;
    private final long retryMs;
    private Session session;
    private Runnable onDrain;
    private boolean ended;

    /**
     * {@code chctx}: the Netty context of the response's connection; {@code direct}: it is an HTTP/1.x
     * connection, whose context writes HTTP chunks; {@code retryMs}: the reconnect hint.
     */
    SseTransport(HttpServerResponse response, ChannelHandlerContext chctx, boolean direct, Flusher flusher,
                 Context context, int bufferBytes, long retryMs) {
        this.response = response;
        this.chctx = chctx;
        this.direct = direct;
        this.writer = new CoalescingWriter(chctx, flusher);
        this.context = context;
        this.retryMs = retryMs;
        response.setWriteQueueMaxSize(bufferBytes);
        response.drainHandler(v -> {
            Runnable r = onDrain;
            onDrain = null;
            if (r != null) {
                r.run();
            }
        });
        response.closeHandler(v -> ended());
        response.exceptionHandler(err -> ended());
    }

    /** The session whose token each event carries; set before it opens. */
    void bind(Session session) {
        this.session = session;
    }

    /** The client went away or the response ended: the session releases everything, once. */
    private void ended() {
        if (!ended) {
            ended = true;
            onDrain = null;
            session.onClosed();
        }
    }

    /**
     * The stream's first bytes: the reconnect hint and the {@code connected} event, whose
     * {@code heartbeatMs} tells the client how often {@code ping} events come (comments would be
     * invisible to EventSource, so a client could not notice a stream that went silent).
     */
    private void start(Buffer connected) {
        response.write(Buffer.buffer("retry: " + retryMs + "\n\nevent: connected\ndata: ").appendBuffer(connected)
                .appendString("\n\n"));
    }

    @Override
    public void send(Out kind, Buffer frame) {
        if (ended) {
            return;
        }
        if (kind == Out.CONNECTED) {
            start(frame);
            return;
        }
        event(kind.event(), frame, session.positionsToken());
        if (kind == Out.ERROR) {
            end(); // an error without a channel ends the stream (PROTOCOL.md)
        }
    }

    @Override
    public void heartbeat(Buffer jsonPing) {
        if (!ended) {
            write(chctx.alloc().buffer(PING.length).writeBytes(PING));
        }
    }

    private void event(String type, Buffer data, String token) {
        ByteBuf json = ((BufferInternal) data).getByteBuf();
        ByteBuf b = chctx.alloc().buffer(json.readableBytes() + token.length() + type.length() + 24);
        if (!token.isEmpty()) {
            b.writeBytes(ID).writeCharSequence(token, StandardCharsets.UTF_8);
            b.writeByte('\n');
        }
        b.writeBytes(EVENT).writeCharSequence(type, StandardCharsets.US_ASCII);
        b.writeBytes(DATA).writeBytes(json, json.readerIndex(), json.readableBytes()).writeBytes(END);
        write(b);
    }

    /** One event, one HTTP chunk, flushed with the batch. */
    private void write(ByteBuf chunk) {
        if (direct) {
            writer.write(new DefaultHttpContent(chunk), chunk.readableBytes());
        } else {
            response.write(BufferInternal.buffer(chunk));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public boolean writable() {
        return !ended && !response.closed() && !response.writeQueueFull();
    }

    @Override
    public void onWritable(Runnable action) {
        if (writable()) {
            context.runOnContext(v -> action.run());
        } else if (!ended) {
            Runnable previous = onDrain;
            onDrain = previous == null ? action : () -> {
                previous.run();
                action.run();
            };
        }
    }

    /**
     * A last {@code error} event saying why, then the end: {@code draining} (reconnect, to another pod),
     * {@code token_expired} (get a new token, then reconnect); a slow consumer's stream just ends.
     */
    @Override
    public void close(CloseReason reason) {
        if (ended) {
            return;
        }
        ChorusException why = switch (reason) {
            case SERVER_SHUTDOWN -> new ChorusException(ErrorCode.DRAINING, "this pod is shutting down; reconnect", 1000);
            case TOKEN_EXPIRED -> new ChorusException(ErrorCode.TOKEN_EXPIRED, "the token expired; reconnect with a new one");
            case INTERNAL -> new ChorusException(ErrorCode.INTERNAL, "unexpected server error");
            default -> null;
        };
        if (why != null) {
            event(Out.ERROR.event(), Frames.error(null, null, why), session.positionsToken());
        }
        end();
    }

    private void end() {
        if (!ended) {
            response.end();
            ended();
        }
    }

    @Override
    public boolean duplex() {
        return false;
    }

    @Override
    public String kind() {
        return "sse";
    }
}
