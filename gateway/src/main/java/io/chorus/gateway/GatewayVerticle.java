package io.chorus.gateway;

import io.chorus.gateway.health.Readiness;
import io.chorus.gateway.http.HistoryHandler;
import io.chorus.gateway.http.PresenceHandler;
import io.chorus.gateway.http.OpsHandlers;
import io.chorus.gateway.http.PublishHandler;
import io.chorus.gateway.http.RestDeps;
import io.chorus.gateway.http.ably.AblyRest;
import io.chorus.gateway.http.ably.AblyRestApi;
import io.chorus.gateway.session.SessionDeps;
import io.chorus.gateway.subscription.Shard;
import io.chorus.gateway.transport.Flusher;
import io.chorus.gateway.transport.ably.AblyHandler;
import io.chorus.gateway.transport.ably.AblyTokens;
import io.chorus.gateway.transport.poll.PollHandler;
import io.chorus.gateway.transport.sse.SseHandler;
import io.chorus.gateway.transport.ws.WebSocketHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * One event loop's HTTP server: WebSocket upgrades, the REST API, health and metrics. Every instance
 * listens on the same port (Vert.x spreads connections across them) and owns the {@link Shard} of
 * its event loop.
 */
final class GatewayVerticle extends VerticleBase {

    private final SessionDeps sessions;
    private final RestDeps rest;
    private final Readiness readiness;
    private final int port;
    private final Consumer<Router> extraRoutes;
    private final AblyTokens ablyTokens;

    /** Sessions and transports get what sessions use, the REST API what it uses; the wiring is here. */
    GatewayVerticle(SessionDeps sessions, RestDeps rest, Readiness readiness, int port,
                    Consumer<Router> extraRoutes, AblyTokens ablyTokens) {
        this.ablyTokens = ablyTokens;
        this.sessions = sessions;
        this.rest = rest;
        this.readiness = readiness;
        this.port = port;
        this.extraRoutes = extraRoutes;
    }

    @Override
    public Future<?> start() {
        var http = sessions.config().http();
        Shard shard = new Shard(context, sessions.metrics(), sessions.clock());
        OpsHandlers ops = new OpsHandlers(readiness, sessions.metrics());
        Router router = Router.router(vertx);
        Cors.install(router, http.corsOrigins());
        // One flusher per event loop, shared by the streaming transports (WebSocket, SSE).
        Flusher flusher = new Flusher(context, sessions.config().connection().writeDelay().toMillis(),
                sessions.metrics());
        shard.flushWith(flusher::flushAll, flusher::flushPart);
        WebSocketHandler ws = new WebSocketHandler(sessions, shard, vertx, flusher);
        router.get("/v1/ws").handler(ws::handle);
        router.get("/v1/sse").handler(new SseHandler(sessions, shard, vertx, flusher));
        router.get("/v1/poll").handler(new PollHandler(sessions, shard, vertx));
        router.get("/sdk/*").handler(StaticHandler.create(FileSystemAccess.ROOT,
                Path.of(http.sdkDir()).toAbsolutePath().toString()).setCachingEnabled(false));
        router.get("/health/live").handler(ops::live);
        router.get("/health/ready").handler(ops::ready);
        router.get("/metrics").handler(ops::metrics);
        HistoryHandler history = new HistoryHandler(rest);
        PresenceHandler presence = new PresenceHandler(rest);
        router.get("/v1/channels/*").handler(ctx -> {
            String path = ctx.request().path();
            if (path.endsWith(PresenceHandler.PRESENCE)) {
                presence.members(ctx);
            } else if (path.endsWith(PresenceHandler.OCCUPANCY)) {
                presence.occupancy(ctx);
            } else {
                history.handle(ctx);
            }
        });
        router.post("/v1/channels/*").handler(BodyHandler.create(false).setBodyLimit(http.maxBodyBytes()))
                .handler(new PublishHandler(rest));
        // Ably's realtime protocol (ABLY.md): ably-js upgrades GET / (anything else on / goes on).
        router.get("/").handler(new AblyHandler(sessions, shard, vertx, ablyTokens)::handle);
        new AblyRestApi(rest, history, ablyTokens).install(router);
        router.route().handler(new AblyRest(sessions.metrics())::refuse);
        // Routes of the embedding application (Gateway.start's extraRoutes): after ours, before the error pages.
        extraRoutes.accept(router);
        ErrorPages.install(router, sessions.metrics());
        HttpServerOptions options = new HttpServerOptions().setHost(http.host()).setPort(port)
                .setMaxWebSocketFrameSize(http.maxFrameBytes()).setMaxWebSocketMessageSize(http.maxFrameBytes())
                .setCompressionSupported(true)
                // HTTP/2 needs TLS (ALPN) unless http.h2c is on: HttpConfig says why.
                .setHttp2ClearTextEnabled(http.h2c())
                // WebSockets are not compressed (PROTOCOL.md): Vert.x would otherwise add a
                // permessage-deflate negotiator to every HTTP/1 connection's pipeline.
                .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
                // Every connection is touched only on its event loop: Vert.x then writes HTTP/1
                // responses straight to Netty instead of through a per-connection MPSC queue (4 KB each).
                .setStrictThreadMode(true)
                // Room for a token of auth.maxTokenBytes in the URL (?token=), so an oversized one is
                // answered token_too_large; longer URLs get 414, headers past 8 KiB 431, from the HTTP layer.
                .setMaxInitialLineLength(Math.max(4096, 2 * sessions.config().auth().maxTokenBytes()));
        return vertx.createHttpServer(options).requestHandler(router).listen();
    }
}
