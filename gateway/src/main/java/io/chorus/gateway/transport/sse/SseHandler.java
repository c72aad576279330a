package io.chorus.gateway.transport.sse;

import io.chorus.gateway.session.SessionDeps;
import io.chorus.gateway.session.Session;
import io.chorus.gateway.session.StreamNotices;
import io.chorus.gateway.http.HttpErrors;
import io.chorus.schema.ChorusException;
import io.chorus.gateway.subscription.Shard;
import io.chorus.gateway.transport.Flusher;
import io.chorus.gateway.transport.StreamRequests;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/sse}: admits the request (answering problems as plain HTTP errors), then streams
 * {@code text/event-stream} through a {@link Session} until the client goes away, the token expires or
 * the pod drains. Heartbeat events keep proxies from timing the stream out and reveal dead
 * connections through write errors.
 */
public final class SseHandler implements Handler<RoutingContext> {

    private final SessionDeps deps;
    private final Shard shard;
    private final Vertx vertx;
    private final Flusher flusher;

    public SseHandler(SessionDeps deps, Shard shard, Vertx vertx, Flusher flusher) {
        this.deps = deps;
        this.shard = shard;
        this.vertx = vertx;
        this.flusher = flusher;
    }

    @Override
    public void handle(RoutingContext ctx) {
        boolean sawStalled;
        try {
            sawStalled = StreamNotices.sawStalled(ctx.request().getParam(StreamNotices.PARAM));
        } catch (ChorusException e) {
            HttpErrors.send(ctx, e, deps.metrics());
            return;
        }
        StreamRequests.admitThen(ctx, deps, "sse", admitted -> start(ctx, admitted, sawStalled));
    }

    private void start(RoutingContext ctx, StreamRequests.Admitted admitted, boolean sawStalled) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
        SseTransport transport = new SseTransport(response,
                ((ConnectionBase) ctx.request().connection()).channelHandlerContext(),
                ctx.request().version() != HttpVersion.HTTP_2, flusher, shard.context(),
                deps.config().connection().outboundBufferBytes(), deps.config().fallback().sseRetry().toMillis());
        Session session = new Session(admitted.id(), transport, shard, deps, vertx,
                admitted.principal());
        session.clientSawStalled(sawStalled);
        transport.bind(session);
        session.openStream(admitted.request());
    }
}
