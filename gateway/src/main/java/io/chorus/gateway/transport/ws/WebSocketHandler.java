package io.chorus.gateway.transport.ws;

import io.chorus.gateway.Services;
import io.chorus.gateway.http.HttpErrors;
import io.chorus.gateway.session.Session;
import io.chorus.gateway.subscription.Shard;
import io.vertx.core.Vertx;
import io.chorus.schema.ChorusException;
import io.vertx.core.http.HttpServerRequest;
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

    public WebSocketHandler(Services services, Shard shard, Vertx vertx) {
        this.services = services;
        this.shard = shard;
        this.vertx = vertx;
    }

    /** Admits the connection (or refuses it with an HTTP error), then upgrades it. */
    public void handle(RoutingContext ctx) {
        try {
            services.admission().admit(ctx.request().remoteAddress().host(), "ws");
        } catch (ChorusException e) {
            HttpErrors.send(ctx, e, services.metrics());
            return;
        }
        upgrade(ctx.request());
    }

    private void upgrade(HttpServerRequest request) {
        request.toWebSocket().onSuccess(ws -> {
            String id = "c-" + UUID.randomUUID();
            Session session = new Session(id, new WebSocketTransport(ws, shard.context(),
                    services.config().connection().outboundBufferBytes()), shard,
                    services, vertx);
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
