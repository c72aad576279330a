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
import java.time.Clock;
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
    private final AblyResume resume;
    private final AblyTokens tokens;
    private final AblyMetrics metrics;
    private final MessageFrames frames = new MessageFrames();
    private final MsgpackCodec msgpack = new MsgpackCodec();
    private final AblyTranslator.Limits limits;

    public AblyHandler(SessionDeps deps, Shard shard, Vertx vertx, AblyTokens tokens) {
        this.deps = deps;
        this.tokens = tokens;
        this.shard = shard;
        this.vertx = vertx;
        GatewayConfig c = deps.config();
        this.keys = new AblyKeys(c.ably());
        this.resume = new AblyResume(c.ably().connectionKeySecret(), c.ably().connectionKeyMaxAge(), Clock.systemUTC());
        this.metrics = new AblyMetrics(deps.metrics().registry());
        this.limits = new AblyTranslator.Limits(c.connection().maxSubscriptions(), c.ably().maxPendingPublishes(),
                c.connection().maxRewind());
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
        AblyTokens.Grant grant = null;
        String keyName = null;
        if (problem == null) {
            try {
                if (params.key() != null) {
                    principal = keys.authenticate(params.key(), params.clientId(), id);
                    keyName = params.key().substring(0, params.key().indexOf(':'));
                } else { // RSA8: a token; its clientId, if any, is the connection's (RSA7b)
                    grant = tokens.verify(params.accessToken());
                    clientId = grant.effectiveClientId(params.clientId());
                    principal = grant.principal(clientId, id);
                    keyName = grant.keyName();
                }
            } catch (AblyRefusal r) {
                problem = r.error();
            }
        }
        if (problem != null) {
            refuse(ws, params, problem, true);
            return;
        }
        AblyError resumeError = null;
        boolean resumed = false;
        if (params.resume() != null) { // RTN15c, RTN16: the same connection id, or a new one with the reason
            AblyResume.Verdict v = resume.verify(params.resume(), keyName, clientId);
            metrics.resume(v);
            if (v.resumed()) {
                resumed = true;
                id = v.connectionId();
                // An unidentified connection's Chorus client id is its connection id: the resumed one.
                principal = grant == null ? keys.authenticate(params.key(), params.clientId(), id)
                        : grant.principal(clientId, id);
            } else {
                resumeError = v.error();
            }
        }
        GatewayConfig c = deps.config();
        AblyFrames.Details details = new AblyFrames.Details(id, resume.issue(id, keyName, clientId), clientId,
                c.http().maxMessageBytes() - 1024, c.http().maxFrameBytes(), c.limits().publishesPerSecond(),
                c.ably().connectionStateTtl().toMillis(), c.connection().heartbeat().toMillis());
        metrics.opened(params.msgpack());
        AblyTransport transport = new AblyTransport(ws, shard.context(), c.connection().outboundBufferBytes(),
                params.msgpack() ? msgpack : null);
        // Each socket its own session id: after a resume the replaced socket's session may still be closing on
        // this pod, and its end must not take the resumed session's presence entries with it.
        Session session = new Session(id + "." + Long.toString(RANDOM.nextLong() >>> 1, 36), id, transport, shard, deps,
                vertx, principal);
        AblyTranslator translator = new AblyTranslator(transport, details, principal.capabilities(), params, limits,
                frames, metrics);
        translator.connectError(resumeError);
        if (resumed) {
            translator.connectionResumed();
        }
        translator.renewWith(new AblyRenewal(tokens, session, principal, details.clientId(), id, vertx, deps.clock()));
        transport.open(session, translator);
    }

    /** A last ProtocolMessage and a close; {@code counted}: the connection holds an admission slot. */
    private void refuse(ServerWebSocket ws, ConnectParams params, AblyError error, boolean counted) {
        metrics.refused(error.code());
        if (counted) {
            ws.closeHandler(v -> deps.admission().release("ably"));
        }
        String pm = error.retry() ? AblyFrames.disconnected(error) : AblyFrames.error(null, error);
        if (params.msgpack()) {
            ws.writeBinaryMessage(Buffer.buffer(msgpack.encode(pm)));
        } else {
            ws.writeTextMessage(pm);
        }
        ws.close();
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
