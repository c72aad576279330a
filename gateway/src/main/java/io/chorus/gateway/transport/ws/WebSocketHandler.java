package io.chorus.gateway.transport.ws;

import io.chorus.gateway.Services;
import io.chorus.gateway.http.HttpErrors;
import io.chorus.gateway.session.Session;
import io.chorus.gateway.subscription.Shard;
import io.chorus.gateway.transport.Flusher;
import io.vertx.core.Vertx;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.session.Frames;
import io.chorus.gateway.transport.Credentials;
import io.chorus.schema.ChorusException;
import io.chorus.schema.CloseReason;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Upgrades {@code GET /v1/ws} and wires the socket's frames to a {@link Session}. */
public final class WebSocketHandler {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketHandler.class);
    private final Services services;
    private final Shard shard;
    private final Vertx vertx;
    private final Flusher flusher;

    public WebSocketHandler(Services services, Shard shard, Vertx vertx, Flusher flusher) {
        this.services = services;
        this.shard = shard;
        this.vertx = vertx;
        this.flusher = flusher;
    }

    /**
     * Admits the connection (or refuses it with an HTTP error), authenticates it, then upgrades it. A
     * refused token is answered inside the WebSocket (an error frame, then a close), because a browser
     * cannot read the HTTP status of a failed upgrade.
     */
    public void handle(RoutingContext ctx) {
        try {
            services.admission().admit(ctx.request().remoteAddress().host(), "ws");
        } catch (ChorusException e) {
            HttpErrors.send(ctx, e, services.metrics());
            return;
        }
        String id = "c-" + UUID.randomUUID();
        try {
            upgrade(ctx.request(), id, Credentials.authenticate(ctx.request(), services, id));
        } catch (ChorusException e) {
            refuse(ctx.request(), e);
        }
    }

    /**
     * The Netty context Vert.x writes this WebSocket's frames through. Vert.x Web wraps the socket, so
     * it is found in the pipeline: the upgrade replaced the HTTP handler, named "handler", with the
     * WebSocket's.
     */
    private static ChannelHandlerContext socketContext(ServerWebSocket ws, Channel channel) {
        if (ws instanceof WebSocketInternal internal) {
            return internal.channelHandlerContext();
        }
        ChannelHandlerContext chctx = channel.pipeline().context("handler");
        if (chctx == null) {
            throw new IllegalStateException("no WebSocket handler in the pipeline: " + channel.pipeline().names());
        }
        return chctx;
    }

    private void refuse(HttpServerRequest request, ChorusException e) {
        services.metrics().error(e.code().wireName());
        request.toWebSocket().onSuccess(ws -> {
            ws.closeHandler(v -> services.admission().release("ws"));
            ws.writeTextMessage(Frames.error(null, null, e).toString());
            CloseReason reason = e.code().retryable() ? CloseReason.TOKEN_EXPIRED : CloseReason.UNAUTHORIZED;
            ws.close((short) reason.code(), reason.wireName());
        }).onFailure(err -> services.admission().release("ws"));
    }

    private void upgrade(HttpServerRequest request, String id, Principal principal) {
        Channel channel = ((ConnectionBase) request.connection()).channel();
        request.toWebSocket().onSuccess(ws -> {
            Session session = new Session(id, new WebSocketTransport(ws, socketContext(ws, channel),
                    shard.context(), flusher, services.config().connection().outboundBufferBytes()), shard,
                    services, vertx, principal);
            ws.frameHandler(new FrameAssembler(session, services.config().http().maxMessageBytes()));
            ws.pongHandler(pong -> session.onActivity());
            ws.closeHandler(v -> session.onClosed());
            ws.exceptionHandler(err -> LOG.debug("websocket {} error: {}", id, err.toString()));
            session.open();
        }).onFailure(err -> {
            services.admission().release("ws");
            LOG.debug("websocket upgrade failed: {}", err.toString());
        });
    }
}
