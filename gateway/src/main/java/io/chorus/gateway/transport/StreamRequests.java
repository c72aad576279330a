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

/** Reads an SSE or long-poll request's channels and positions token, and checks their namespaces. */
public final class StreamRequests {

    /** A request that may stream: what it asks for, and who asks. */
    public record Admitted(StreamRequest request, Principal principal) {
    }

    private StreamRequests() {
    }

    /**
     * Everything an SSE stream or a long-poll checks before it starts: the request, the token and its
     * subscribe capability on every channel, then admission (counted as {@code transport}). Throws
     * the refusal, which the caller answers as a plain HTTP error.
     */
    public static Admitted admit(HttpServerRequest req, Services services, String transport) {
        StreamRequest request = parse(req, services);
        Principal who = Credentials.authenticate(req, services, "anonymous");
        for (ChannelName channel : request.channels()) {
            Authenticator.require(who, channel, Operation.SUBSCRIBE);
        }
        services.admission().admit(req.remoteAddress().host(), transport);
        return new Admitted(request, who);
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
        StreamRequest parsed = StreamRequest.parse(req.params().getAll("channel"), token,
                services.config().fallback().maxChannels());
        for (ChannelName c : parsed.channels()) {
            services.subscriptions().namespace(c);
        }
        return parsed;
    }
}
