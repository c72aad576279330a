package io.chorus.gateway.transport;

import io.chorus.gateway.session.SessionDeps;
import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.http.HttpErrors;
import io.chorus.gateway.session.StreamRequest;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.chorus.gateway.http.Credentials;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Admits an SSE stream or a long-poll: reads its channels, positions token, watches and enters, and
 * checks everything that can be refused before the response begins, so that a refusal is a plain HTTP
 * error with its status.
 */
public final class StreamRequests {

    /** A request that may stream: what it asks for, who asks, and the connection id its session gets. */
    public record Admitted(StreamRequest request, Principal principal, String id) {
    }

    private StreamRequests() {
    }

    /**
     * The request, the token and its rights (subscribe on every channel; presence on every watched or
     * entered channel), the enter data's size, then admission (counted as {@code transport}). Fails with
     * the refusal, which the caller answers as a plain HTTP error.
     */
    public static Future<Admitted> admit(RoutingContext ctx, SessionDeps deps, String transport) {
        HttpServerRequest req = ctx.request();
        StreamRequest request;
        try {
            request = parse(req, deps);
        } catch (ChorusException e) {
            return Future.failedFuture(e);
        }
        String id = "c-" + UUID.randomUUID();
        // An anonymous client is known by its connection id, as on WebSocket, so two anonymous
        // members of a channel stay two.
        return Credentials.authenticate(req, ctx.vertx().getOrCreateContext(), deps.auth(), id).map(who -> {
            for (ChannelName channel : request.channels()) {
                Authenticator.require(who, channel, Operation.SUBSCRIBE);
                if (request.presence().contains(channel.value())) {
                    Authenticator.require(who, channel, Operation.PRESENCE);
                }
            }
            if (who.anonymous() && !request.enter().isEmpty()) {
                // Each SSE stream or poll is a new connection, so an anonymous member would be a new
                // one every time: presence over HTTP needs the stable id of a token.
                throw new ChorusException(ErrorCode.TOKEN_REQUIRED, "entering over SSE or long-polling needs a token"
                        + " (an anonymous client gets a new id with every request)");
            }
            request.enter().forEach((channel, data) -> {
                Authenticator.require(who, channel, Operation.PRESENCE);
                deps.presence().checkData(data);
            });
            deps.admission().admit(req.remoteAddress().host(), transport);
            return new Admitted(request, who, id);
        });
    }

    /** {@link #admit}, then {@code start} with what was admitted, or the refusal as a plain HTTP error. */
    public static void admitThen(RoutingContext ctx, SessionDeps deps, String transport,
                                 java.util.function.Consumer<Admitted> start) {
        admit(ctx, deps, transport).onSuccess(admitted -> {
            if (ctx.response().closed()) {
                deps.admission().release(transport); // gone while its token was checked: no session will
            } else {
                start.accept(admitted);
            }
        }).onFailure(err -> HttpErrors.send(ctx, err, deps.metrics()));
    }

    public static StreamRequest parse(HttpServerRequest req, SessionDeps deps) {
        String token = req.getHeader("Last-Event-ID");
        if (token == null) {
            token = req.getParam("positions");
        }
        if (token == null) {
            token = req.getParam("lastEventId");
        }
        var params = new StreamRequest.Params(req.params().getAll("channel"), token, req.params().getAll("presence"),
                req.params().getAll("occupancy"), req.getParam("enter"));
        StreamRequest parsed = StreamRequest.parse(params, deps.config().fallback().maxChannels(),
                deps.config().connection().maxSubscriptions());
        for (ChannelName c : parsed.channels()) {
            deps.subscriptions().namespace(c);
        }
        for (ChannelName c : parsed.enter().keySet()) {
            deps.subscriptions().namespace(c);
        }
        return parsed;
    }
}
