package io.chorus.gateway.http.ably;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.http.HistoryHandler;
import io.chorus.gateway.http.RestDeps;
import io.chorus.gateway.feed.Failures;
import io.chorus.gateway.transport.ably.AblyCode;
import io.chorus.gateway.transport.ably.AblyError;
import io.chorus.gateway.transport.ably.AblyRefusal;
import io.chorus.gateway.transport.ably.AblyRestCodec;
import io.chorus.gateway.transport.ably.AblyTokens;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.micrometer.core.instrument.Counter;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The Ably REST API that ably-js calls (RSC, RSL, RSP, RSA8): {@code GET /time},
 * {@code GET|POST /channels/{name}/messages}, {@code GET /channels/{name}/presence} and
 * {@code GET|POST /keys/{keyName}/requestToken}, authenticated with Basic (a key) or Bearer (a token
 * from requestToken; ably-js sends it base64-encoded, RSA3b). Channel routes answer only requests that
 * carry {@code X-Ably-Version} (every ably-js request does, RSC7e), so nothing else of the gateway's
 * is shadowed; token requests are Ably's alone and answered whatever sends them. Everything else Ably
 * asks for (stats, push, batch, channel status) is left to {@link AblyRest}: 40400.
 */
public final class AblyRestApi {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHANNELS = "/channels/";

    private final RestDeps deps;
    private final AblyTokens tokens;
    private final AblyHistory history;
    private final AblyRestPublish publish;

    public AblyRestApi(RestDeps deps, HistoryHandler history, AblyTokens tokens) {
        this.deps = deps;
        this.tokens = tokens;
        this.history = new AblyHistory(deps, history);
        this.publish = new AblyRestPublish(deps);
    }

    /** Adds the routes; call before {@link AblyRest}'s catch-all. */
    public void install(Router router) {
        router.get("/time").handler(this::time);
        router.get(CHANNELS + "*").handler(this::channelGet);
        router.post(CHANNELS + "*").handler(BodyHandler.create(false).setBodyLimit(deps.config().http().maxBodyBytes()))
                .handler(this::channelPost);
        router.route("/keys/*").handler(BodyHandler.create(false).setBodyLimit(deps.config().http().maxBodyBytes()))
                .handler(this::requestToken);
    }

    /** RSC16: the server's time, a one-element array of epoch ms. */
    private void time(RoutingContext ctx) {
        if (!isAbly(ctx)) {
            ctx.next();
            return;
        }
        ok(ctx, "time", 200, JSON.createArrayNode().add(tokens.now()).toString());
    }

    private void channelGet(RoutingContext ctx) {
        if (!isAbly(ctx)) {
            ctx.next();
            return;
        }
        String path = ctx.request().path();
        if (path.endsWith("/messages")) {
            handle(ctx, "history", () -> history.handle(this, ctx, channel(path, "/messages"), authenticate(ctx)));
        } else if (path.endsWith("/presence")) {
            handle(ctx, "presence", () -> presence(ctx, channel(path, "/presence"), authenticate(ctx)));
        } else {
            ctx.next();
        }
    }

    private void channelPost(RoutingContext ctx) {
        String path = ctx.request().path();
        if (!isAbly(ctx) || !path.endsWith("/messages")) {
            ctx.next();
            return;
        }
        handle(ctx, "publish", () -> publish.handle(this, ctx, channel(path, "/messages"), authenticate(ctx),
                body(ctx)));
    }

    /** RSA8: {@code /keys/{keyName}/requestToken}, a TokenRequest in the body or TokenParams in the query (Basic). */
    private void requestToken(RoutingContext ctx) {
        String path = ctx.request().path();
        String rest = path.substring("/keys/".length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || !rest.substring(slash).equals("/requestToken") || slash > 256) {
            ctx.next();
            return;
        }
        handle(ctx, "requestToken", () -> {
            String keyName = URLDecoder.decode(rest.substring(0, slash), StandardCharsets.UTF_8);
            String authorization = ctx.request().getHeader("Authorization");
            AblyTokens.Grant basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)
                    ? tokens.basic(decode(authorization.substring(6).trim())) : null;
            JsonNode body;
            if (ctx.request().method().name().equals("POST")) {
                body = body(ctx);
            } else { // GET with Basic auth: TokenParams as query parameters
                ObjectNode q = JSON.createObjectNode();
                for (String f : new String[] {"ttl", "capability", "clientId"}) {
                    String v = ctx.request().getParam(f);
                    if (v != null) {
                        if (f.equals("ttl") && v.matches("[0-9]{1,18}")) {
                            q.put(f, Long.parseLong(v));
                        } else {
                            q.put(f, v);
                        }
                    }
                }
                body = q;
            }
            ok(ctx, "requestToken", 200, tokens.requestToken(keyName, body, basic).toString());
        });
    }

    /** RSP3: the channel's members across pods (the presence capability), each as a PRESENT message. */
    private void presence(RoutingContext ctx, ChannelName channel, AblyTokens.Grant grant) {
        deps.subscriptions().namespace(channel);
        Authenticator.require(grant.principal(null, "rest"), channel, Operation.PRESENCE);
        ArrayNode items = JSON.createArrayNode();
        deps.presence().members(channel.value()).members().forEach(m -> items.add(AblyRestCodec.present(channel.value(), m)));
        ok(ctx, "presence", 200, items.toString());
    }

    /** The credentials of a request (RSA11 Basic, RSA3 Bearer); 40106 without any. */
    AblyTokens.Grant authenticate(RoutingContext ctx) {
        String h = ctx.request().getHeader("Authorization");
        if (h != null && h.regionMatches(true, 0, "Basic ", 0, 6)) {
            return tokens.basic(decode(h.substring(6).trim()));
        }
        if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = h.substring(7).trim();
            String decoded = decodeOrNull(token);
            // ably-js sends base64(token); a JWT itself (three base64url parts) may come as is.
            return tokens.verify(decoded != null && decoded.chars().filter(c -> c == '.').count() == 2 ? decoded : token);
        }
        throw new AblyRefusal(AblyError.of(AblyCode.NO_VALID_AUTHENTICATION_METHOD,
                "send Authorization: Basic base64(key) or Bearer base64(token)"));
    }

    private interface Work {
        void run();
    }

    /** Runs {@code work}; a refusal thrown on the way is the answer. Async parts answer with {@link #fail}. */
    private void handle(RoutingContext ctx, String endpoint, Work work) {
        try {
            work.run();
        } catch (AblyRefusal r) {
            fail(ctx, endpoint, r.error());
        } catch (ChorusException e) {
            fail(ctx, endpoint, AblyError.from(e, endpoint.equals("publish")));
        } catch (IllegalArgumentException e) {
            fail(ctx, endpoint, AblyError.of(AblyCode.BAD_REQUEST, "malformed request: " + e.getMessage()));
        }
    }

    /** Answers with an Ably ErrorInfo, its HTTP status, and the headers ably-js also reads. */
    void fail(RoutingContext ctx, String endpoint, AblyError error) {
        count(endpoint, error.code());
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        String message = error.message().replaceAll("[\\r\\n]", " ");
        ctx.response().setStatusCode(error.code().statusCode()).putHeader("content-type", "application/json")
                .putHeader("X-Ably-Errorcode", Integer.toString(error.code().code()))
                .putHeader("X-Ably-Errormessage", message.length() > 200 ? message.substring(0, 200) : message)
                .end(AblyRestCodec.errorBody(error).toString());
    }

    void failed(RoutingContext ctx, String endpoint, Throwable err, boolean publish) {
        if (err instanceof AblyRefusal r) {
            fail(ctx, endpoint, r.error());
        } else {
            fail(ctx, endpoint, AblyError.from(Failures.toChorus(err), publish));
        }
    }

    /** A successful answer, counted. */
    void ok(RoutingContext ctx, String endpoint, int status, String body) {
        count(endpoint, null);
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
    }

    private void count(String endpoint, AblyCode code) {
        Counter.builder("chorus_ably_rest_requests").description("Ably REST requests answered, by endpoint and outcome")
                .tag("endpoint", endpoint).tag("outcome", code == null ? "ok" : Integer.toString(code.code()))
                .register(deps.metrics().registry()).increment();
    }

    private static boolean isAbly(RoutingContext ctx) {
        return ctx.request().getHeader("X-Ably-Version") != null;
    }

    /** The channel of {@code /channels/{name}{suffix}}, percent-decoded (ably-js encodeURIComponent's it). */
    static ChannelName channel(String path, String suffix) {
        String raw = path.substring(CHANNELS.length(), path.length() - suffix.length());
        if (raw.isEmpty() || raw.length() > 3 * ChannelName.MAX_BYTES) {
            throw new AblyRefusal(AblyError.of(AblyCode.INVALID_CHANNEL_NAME, "the channel name is empty or too long"));
        }
        try {
            return ChannelName.parse(URLDecoder.decode(raw, StandardCharsets.UTF_8));
        } catch (ChorusException | IllegalArgumentException e) {
            throw new AblyRefusal(AblyError.of(AblyCode.INVALID_CHANNEL_NAME, "not a Chorus channel name: "
                    + e.getMessage()));
        }
    }

    private static JsonNode body(RoutingContext ctx) {
        try {
            JsonNode n = ctx.body() == null || ctx.body().buffer() == null ? null
                    : JSON.readTree(ctx.body().buffer().getBytes());
            if (n != null) {
                return n;
            }
        } catch (IOException e) {
            // answered below
        }
        throw new AblyRefusal(AblyError.of(AblyCode.BAD_REQUEST, "the body must be JSON"));
    }

    private static String decode(String base64) {
        String s = decodeOrNull(base64);
        if (s == null) {
            throw new AblyRefusal(AblyError.of(AblyCode.INVALID_CREDENTIALS, "Basic credentials must be base64(key)"));
        }
        return s;
    }

    private static String decodeOrNull(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
