package io.chorus.gateway.transport.sse;

import io.chorus.gateway.Services;
import io.chorus.gateway.session.Frames;
import io.chorus.gateway.session.StreamRequest;
import io.chorus.gateway.session.StreamSession;
import io.chorus.gateway.subscription.Shard;
import io.chorus.gateway.transport.Flusher;
import io.chorus.gateway.transport.StreamRequests;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/sse}: validates the request (answering problems as plain HTTP errors), then streams
 * {@code text/event-stream} until the client goes away. Heartbeat comments keep proxies from timing
 * the stream out and reveal dead connections through write errors.
 */
public final class SseHandler implements Handler<RoutingContext> {

    private final Services services;
    private final Shard shard;
    private final Vertx vertx;

    private final Flusher flusher;

    public SseHandler(Services services, Shard shard, Vertx vertx, Flusher flusher) {
        this.services = services;
        this.shard = shard;
        this.vertx = vertx;
        this.flusher = flusher;
    }

    @Override
    public void handle(RoutingContext ctx) {
        StreamRequests.Admitted admitted = StreamRequests.admitOrAnswer(ctx, services, "sse");
        if (admitted == null) {
            return;
        }
        StreamRequest request = admitted.request();
        HttpServerResponse response = ctx.response();
        response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
        SseOutput output = new SseOutput(response,
                ((ConnectionBase) ctx.request().connection()).channelHandlerContext(),
                ctx.request().version() != HttpVersion.HTTP_2, flusher, shard.context(),
                services.config().connection().outboundBufferBytes(), services.metrics());
        StreamSession session = new StreamSession(request, output, shard, services);
        output.start(services.config().fallback().sseRetry().toMillis(),
                Frames.sseConnected(admitted.principal().clientId(), services.config()));
        long timer = vertx.setPeriodic(services.config().connection().heartbeat().toMillis(), t -> output.ping());
        services.connections().add(output, shard.context(), () -> output.leave(Frames.error(null, null,
                new ChorusException(ErrorCode.DRAINING, "this pod is shutting down; reconnect", 1000)), session.token()),
                notice -> output.notice(notice, session.token()));
        Runnable end = () -> {
            services.connections().remove(output);
            vertx.cancelTimer(timer);
            session.close();
            services.admission().release("sse");
        };
        output.onEnd(end);
        response.closeHandler(v -> output.ended());
        response.exceptionHandler(err -> output.ended());
        session.start();
    }
}
