package io.chorus.gateway.transport.sse;

import io.chorus.gateway.feed.FeedMessage;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.chorus.gateway.session.StreamOutput;
import io.chorus.gateway.subscription.Subscribed;
import io.chorus.schema.ChorusException;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes stream events in the SSE format: {@code id:} (the positions token), {@code event:} and one
 * {@code data:} line holding the same JSON object the WebSocket transport sends. Each event is one
 * write, so a proxy never holds half an event. A live subscriber whose response buffer is full is cut
 * off; its browser reconnects with {@code Last-Event-ID} and resumes.
 */
final class SseOutput implements StreamOutput {

    private static final Buffer PING = Buffer.buffer("event: ping\ndata: {\"type\":\"ping\"}\n\n");

    private final HttpServerResponse response;
    private final Context context;
    private final GatewayMetrics metrics;
    private Runnable onDrain;
    private Runnable onEnd;
    private boolean ended;

    SseOutput(HttpServerResponse response, Context context, int bufferBytes, GatewayMetrics metrics) {
        this.response = response;
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
            response.write(PING);
        }
    }

    private void event(String type, Buffer data, String token) {
        if (ended) {
            return;
        }
        Buffer b = Buffer.buffer(data.length() + token.length() + 40);
        b.appendString("id: ").appendString(token).appendString("\nevent: ").appendString(type)
                .appendString("\ndata: ").appendBuffer(data).appendString("\n\n");
        response.write(b);
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
