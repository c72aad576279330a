package io.chorus.gateway.transport.sse;

import io.chorus.gateway.feed.FeedMessage;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.chorus.gateway.session.StreamOutput;
import io.chorus.gateway.subscription.Subscribed;
import io.chorus.gateway.transport.CoalescingWriter;
import io.chorus.gateway.transport.Flusher;
import io.chorus.schema.ChorusException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;

/**
 * Writes stream events in the SSE format: {@code id:} (the positions token), {@code event:} and one
 * {@code data:} line holding the same JSON object the WebSocket transport sends. Each event is one
 * HTTP chunk, so a proxy never holds half an event. A live subscriber whose response buffer is full is
 * cut off; its browser reconnects with {@code Last-Event-ID} and resumes.
 *
 * <p><b>Write, flush later</b>, as the WebSocket transport does: after the response's head (written
 * through Vert.x), events go to the connection's Netty pipeline as HTTP chunks without a flush, and
 * the event loop's {@link Flusher} flushes each response once per batch. Vert.x's own writes (the end
 * of the response) flush what came before. The budget is Netty's outbound buffer, which counts
 * unflushed bytes: {@code response.writeQueueFull()} and its drain handler read it (strict thread
 * mode). Over HTTP/2 (an h2c upgrade, or TLS with ALPN) events are written through Vert.x's stream
 * instead, one flush each.
 */
final class SseOutput implements StreamOutput {

    private static final byte[] PING = ascii("event: ping\ndata: {\"type\":\"ping\"}\n\n");
    private static final byte[] ID = ascii("id: ");
    private static final byte[] EVENT = ascii("\nevent: ");
    private static final byte[] DATA = ascii("\ndata: ");
    private static final byte[] END = ascii("\n\n");

    private final HttpServerResponse response;
    private final ChannelHandlerContext chctx;
    /** HTTP/1.x: chunks go straight into the pipeline. HTTP/2: through the response. */
    private final boolean direct;
    private final CoalescingWriter writer;
    private final Context context;
    private final GatewayMetrics metrics;
    private Runnable onDrain;
    private Runnable onEnd;
    private boolean ended;

    /**
     * {@code chctx}: the Netty context of the response's connection; {@code direct}: it is an HTTP/1.x
     * connection, whose context writes HTTP chunks.
     */
    SseOutput(HttpServerResponse response, ChannelHandlerContext chctx, boolean direct, Flusher flusher,
              Context context, int bufferBytes, GatewayMetrics metrics) {
        this.response = response;
        this.chctx = chctx;
        this.direct = direct;
        this.writer = new CoalescingWriter(chctx, flusher);
        this.context = context;
        this.metrics = metrics;
        response.setWriteQueueMaxSize(bufferBytes);
        response.drainHandler(v -> {
            Runnable r = onDrain;
            onDrain = null;
            if (r != null) {
                r.run();
            }
        });
    }

    /**
     * The stream's first bytes: the reconnect hint and a {@code connected} event whose
     * {@code heartbeatMs} tells the client how often {@code ping} events come (comments would be
     * invisible to EventSource, so a client could not notice a stream that went silent).
     */
    void start(long retryMs, Buffer connected) {
        response.write(Buffer.buffer("retry: " + retryMs + "\n\nevent: connected\ndata: ").appendBuffer(connected)
                .appendString("\n\n"));
    }

    void onEnd(Runnable action) {
        this.onEnd = action;
    }

    /** The client went away or the response ended: release the subscriptions once. */
    void ended() {
        if (!ended) {
            ended = true;
            onEnd.run();
        }
    }

    void ping() {
        if (!ended) {
            write(chctx.alloc().buffer(PING.length).writeBytes(PING));
        }
    }

    private void event(String type, Buffer data, String token) {
        if (ended) {
            return;
        }
        ByteBuf json = ((BufferInternal) data).getByteBuf();
        ByteBuf b = chctx.alloc().buffer(json.readableBytes() + token.length() + type.length() + 24);
        b.writeBytes(ID).writeCharSequence(token, StandardCharsets.UTF_8);
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
    public void subscribed(int channel, Subscribed answer, Buffer frame, String token) {
        event("subscribed", frame, token);
    }

    @Override
    public void message(FeedMessage message, String token) {
        event("message", message.frame(), token);
        metrics.delivered("sse", 1, message.frame().length());
    }

    @Override
    public void error(int channel, ChorusException error, Buffer frame, String token) {
        event("error", frame, token);
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

    /** A notice for the client (event type {@code stream}). */
    void notice(Buffer frame, String token) {
        event("stream", frame, token);
    }

    /** Ends the stream with a last error event (the pod is draining); the browser reconnects elsewhere. */
    void leave(Buffer errorFrame, String token) {
        if (!ended) {
            event("error", errorFrame, token);
            response.end();
            ended();
        }
    }

    @Override
    public void fellBehind() {
        metrics.fellBehind("sse");
    }

    @Override
    public void overflow() {
        if (!ended) {
            metrics.slowConsumer();
            response.end();
            ended();
        }
    }
}
