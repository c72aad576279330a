package io.chorus.gateway.transport.ably;

import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.config.GatewayConfig;
import io.chorus.gateway.session.Session;
import io.chorus.gateway.session.SessionDeps;
import io.chorus.gateway.subscription.Shard;
import io.chorus.schema.ChorusException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Ably connections: the WebSocket upgrade of {@code GET /} that ably-js makes
 * ({@code ws://realtimeHost:port/?key=...&v=6&format=json}, its websockettransport.ts). Admits the
 * connection, upgrades it, then checks the connect parameters and the key: a refusal is a ProtocolMessage
 * (ERROR for a terminal one, RTN14a/RTN14g; DISCONNECTED when a retry may succeed, RTN14d) and a close,
 * as Ably answers. A request that is no upgrade goes on to the next route. One instance per event loop.
 */
public final class AblyHandler {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SessionDeps deps;
    private final Shard shard;
    private final Vertx vertx;
    private final AblyKeys keys;
    private final AblyTokens tokens;
    private final AblyMetrics metrics;
    private final MessageFrames frames = new MessageFrames();
    private final AblyTranslator.Limits limits;

    public AblyHandler(SessionDeps deps, Shard shard, Vertx vertx, AblyTokens tokens) {
        this.deps = deps;
        this.tokens = tokens;
        this.shard = shard;
        this.vertx = vertx;
        GatewayConfig c = deps.config();
        this.keys = new AblyKeys(c.ably());
        this.metrics = new AblyMetrics(deps.metrics().registry());
        this.limits = new AblyTranslator.Limits(c.connection().maxSubscriptions(), c.ably().maxPendingPublishes());
    }

    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String upgrade = req.getHeader("upgrade");
        if (!deps.config().ably().enabled() || upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            ctx.next();
            return;
        }
        ConnectParams params = ConnectParams.parse(req::getParam);
        AblyError admission = null;
        try {
            deps.admission().admit(req.remoteAddress().host(), "ably");
        } catch (ChorusException e) {
            admission = AblyError.from(e, false);
        }
        AblyError refused = admission;
        req.toWebSocket().onSuccess(ws -> {
            if (refused != null) {
                refuse(ws, params, refused, false);
            } else {
                start(ws, params);
            }
        }).onFailure(err -> {
            if (refused == null) {
                deps.admission().release("ably");
            }
        });
    }

    private void start(ServerWebSocket ws, ConnectParams params) {
        String id = "a-" + random(12);
        AblyError problem = params.problem();
        Principal principal = null;
        String clientId = params.clientId();
        if (problem == null) {
            try {
                if (params.key() != null) {
                    principal = keys.authenticate(params.key(), params.clientId(), id);
                } else { // RSA8: a token; its clientId, if any, is the connection's (RSA7b)
                    AblyTokens.Grant grant = tokens.verify(params.accessToken());
                    clientId = grant.effectiveClientId(params.clientId());
                    principal = grant.principal(clientId, id);
                }
            } catch (AblyRefusal r) {
                problem = r.error();
            }
        }
        if (problem != null) {
            refuse(ws, params, problem, true);
            return;
        }
        GatewayConfig c = deps.config();
        AblyFrames.Details details = new AblyFrames.Details(id, id + "!" + random(18), clientId,
                c.http().maxMessageBytes() - 1024, c.http().maxFrameBytes(), c.limits().publishesPerSecond(),
                c.ably().connectionStateTtl().toMillis(), c.connection().heartbeat().toMillis());
        AblyTransport transport = new AblyTransport(ws, shard.context(), c.connection().outboundBufferBytes());
        Session session = new Session(id, transport, shard, deps, vertx, principal);
        AblyTranslator translator = new AblyTranslator(transport, details, principal.capabilities(), params, limits,
                frames, metrics);
        translator.renewWith(new AblyRenewal(tokens, session, principal, details.clientId(), id, vertx, deps.clock()));
        transport.open(session, translator);
    }

    /** A last ProtocolMessage and a close; {@code counted}: the connection holds an admission slot. */
    private void refuse(ServerWebSocket ws, ConnectParams params, AblyError error, boolean counted) {
        metrics.refused(error.code());
        if (counted) {
            ws.closeHandler(v -> deps.admission().release("ably"));
        }
        if (params.msgpack()) {
            ws.writeBinaryMessage(Buffer.buffer(MsgpackRefusal.error(error)));
        } else {
            ws.writeTextMessage(error.retry() ? AblyFrames.disconnected(error) : AblyFrames.error(null, error));
        }
        ws.close();
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
