package io.chorus.gateway.transport.ws;

import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.feed.Failures;
import io.chorus.gateway.http.HttpErrors;
import io.chorus.gateway.session.Frames;
import io.chorus.gateway.session.Session;
import io.chorus.gateway.session.SessionDeps;
import io.chorus.gateway.session.StreamNotices;
import io.chorus.gateway.subscription.Shard;
import io.chorus.gateway.http.Credentials;
import io.chorus.gateway.transport.Flusher;
import io.chorus.schema.ChorusException;
import io.chorus.schema.CloseReason;
import io.chorus.schema.ErrorCode;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upgrades {@code GET /v1/ws}: admits and authenticates the request through Vert.x, then answers the
 * handshake itself and takes the Netty channel over from Vert.x's HTTP/1 connection, which Vert.x then
 * forgets (its handler leaves the pipeline; the server still closes the channel when it closes). A
 * Vert.x WebSocket costs about 8 KB a connection (a write queue, the HTTP connection, request and
 * response kept alive, several handlers); the socket keeps only a frame decoder and a
 * {@link WebSocketTransport}. One instance per event loop.
 */
public final class WebSocketHandler {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketHandler.class);
    /** How long a close of ours waits for the client's answer before the socket closes (Vert.x's default). */
    static final long CLOSE_TIMEOUT_MS = 10_000;

    private final SessionDeps deps;
    private final Shard shard;
    private final Vertx vertx;
    private final Flusher flusher;
    private final ServerFrames frames = new ServerFrames();
    private final WebSocketDecoderConfig decoderConfig;

    public WebSocketHandler(SessionDeps deps, Shard shard, Vertx vertx, Flusher flusher) {
        this.deps = deps;
        this.shard = shard;
        this.vertx = vertx;
        this.flusher = flusher;
        // As Vert.x configured it: masked client frames only, no extension, the transport's frame limit;
        // a violation is an exception that WebSocketTransport answers with its close code.
        this.decoderConfig = WebSocketDecoderConfig.newBuilder().expectMaskedFrames(true).allowMaskMismatch(false)
                .allowExtensions(false).maxFramePayloadLength(deps.config().http().maxFrameBytes())
                .closeOnProtocolViolation(false).build();
    }

    /**
     * Checks the handshake, admits the connection (or refuses it with an HTTP error), authenticates
     * it, then upgrades it. A refused token is answered inside the WebSocket (an error frame, then a
     * close), because a browser cannot read the HTTP status of a failed upgrade.
     */
    public void handle(RoutingContext ctx) {
        String problem = Handshake.problem(ctx.request());
        if (problem != null) {
            // RFC 6455 4.4: a refused handshake names the versions the server speaks.
            ctx.response().putHeader("sec-websocket-version", Handshake.VERSION);
            HttpErrors.send(ctx, new ChorusException(ErrorCode.INVALID_FIELD, problem), deps.metrics());
            return;
        }
        if (((ContextInternal) shard.context()).nettyEventLoop() != ((ConnectionBase) ctx.request().connection())
                .channel().eventLoop()) {
            // Every server instance owns its Shard's event loop; a socket elsewhere would race the Shard.
            HttpErrors.send(ctx, new IllegalStateException("connection off its shard's event loop"), deps.metrics());
            return;
        }
        boolean sawStalled;
        try {
            sawStalled = StreamNotices.sawStalled(ctx.request().getParam(StreamNotices.PARAM));
            deps.admission().admit(ctx.request().remoteAddress().host(), "ws");
        } catch (ChorusException e) {
            HttpErrors.send(ctx, e, deps.metrics());
            return;
        }
        String id = "c-" + UUID.randomUUID();
        Credentials.authenticate(ctx.request(), ctx.vertx().getOrCreateContext(), deps.auth(), id)
                .onSuccess(principal -> upgrade(ctx.request(), id, principal, sawStalled))
                .onFailure(err -> refuse(ctx.request(), Failures.toChorus(err)));
    }

    /** The rare refusal keeps Vert.x's WebSocket: an error frame, a close, and the slot back. */
    private void refuse(HttpServerRequest request, ChorusException e) {
        deps.metrics().error(e.code().wireName());
        request.toWebSocket().onSuccess(ws -> {
            ws.closeHandler(v -> deps.admission().release("ws"));
            ws.writeTextMessage(Frames.error(null, null, e).toString());
            CloseReason reason = e.code().retryable() ? CloseReason.TOKEN_EXPIRED : CloseReason.UNAUTHORIZED;
            ws.close((short) reason.code(), reason.wireName());
        }).onFailure(err -> deps.admission().release("ws"));
    }

    /**
     * Takes the socket over once the request has ended (as Vert.x's own upgrade waits for it): then
     * the HTTP decoder holds nothing of the request, only what the client sent after it.
     */
    private void upgrade(HttpServerRequest request, String id, Principal principal, boolean sawStalled) {
        Channel channel = ((ConnectionBase) request.connection()).channel();
        String key = request.getHeader("sec-websocket-key");
        if (request.isEnded()) {
            takeOver(channel, key, id, principal, sawStalled);
            return;
        }
        // One of the two, once: Vert.x may report more than one failure for a request.
        boolean[] settled = new boolean[1];
        request.exceptionHandler(err -> {
            if (!settled[0]) {
                settled[0] = true; // closed before the request ended: no session will release the slot
                LOG.debug("websocket upgrade failed: {}", err.toString());
                deps.admission().release("ws");
            }
        });
        request.endHandler(v -> {
            if (!settled[0]) {
                settled[0] = true;
                takeOver(channel, key, id, principal, sawStalled);
            }
        });
        request.resume(); // in case the router paused it
    }

    private void takeOver(Channel channel, String key, String id, Principal principal, boolean sawStalled) {
        WebSocketTransport transport = new WebSocketTransport(frames, shard.context(), flusher, CLOSE_TIMEOUT_MS);
        try {
            Handshake.takeOver(channel.pipeline(), new WebSocket13FrameDecoder(decoderConfig), transport);
            int budget = deps.config().connection().outboundBufferBytes();
            channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(budget / 2, budget));
            Session session = new Session(id, transport, shard, deps, vertx, principal);
            session.clientSawStalled(sawStalled);
            transport.open(session, new FrameAssembler(session, deps.config().http().maxMessageBytes()),
                    Handshake.response(key));
            Handshake.finish(channel.pipeline());
            // Vert.x may have paused reading for the request; nothing of Vert.x is left to resume it.
            channel.config().setAutoRead(true);
        } catch (RuntimeException e) {
            LOG.warn("websocket {} take-over failed: {}", id, e.toString());
            if (!transport.opened()) {
                deps.admission().release("ws");
            }
            channel.close();
        }
    }
}
