package io.chorus.gateway.transport;

import io.chorus.gateway.Services;
import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.http.HttpErrors;
import io.chorus.gateway.session.StreamRequest;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
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
     * entered channel), the enter data's size, then admission (counted as {@code transport}). Throws the
     * refusal, which the caller answers as a plain HTTP error.
     */
    public static Admitted admit(HttpServerRequest req, Services services, String transport) {
        StreamRequest request = parse(req, services);
        String id = "c-" + UUID.randomUUID();
        // An anonymous client is known by its connection id, as on WebSocket, so two anonymous
        // members of a channel stay two.
        Principal who = Credentials.authenticate(req, services, id);
        for (ChannelName channel : request.channels()) {
            Authenticator.require(who, channel, Operation.SUBSCRIBE);
            if (request.presence().contains(channel.value())) {
                Authenticator.require(who, channel, Operation.PRESENCE);
            }
        }
        request.enter().forEach((channel, data) -> {
            Authenticator.require(who, channel, Operation.PRESENCE);
            services.presence().checkData(data);
        });
        services.admission().admit(req.remoteAddress().host(), transport);
        return new Admitted(request, who, id);
    }

    /** {@link #admit}, answering a refusal as a plain HTTP error; null when refused. */
    public static Admitted admitOrAnswer(RoutingContext ctx, Services services, String transport) {
        try {
            return admit(ctx.request(), services, transport);
        } catch (ChorusException e) {
            HttpErrors.send(ctx, e, services.metrics());
            return null;
        }
    }

    public static StreamRequest parse(HttpServerRequest req, Services services) {
        String token = req.getHeader("Last-Event-ID");
        if (token == null) {
            token = req.getParam("positions");
        }
        if (token == null) {
            token = req.getParam("lastEventId");
        }
        var params = new StreamRequest.Params(req.params().getAll("channel"), token, req.params().getAll("presence"),
                req.params().getAll("occupancy"), req.getParam("enter"));
        StreamRequest parsed = StreamRequest.parse(params, services.config().fallback().maxChannels(),
                services.config().connection().maxSubscriptions());
        for (ChannelName c : parsed.channels()) {
            services.subscriptions().namespace(c);
        }
        for (ChannelName c : parsed.enter().keySet()) {
            services.subscriptions().namespace(c);
        }
        return parsed;
    }
}
