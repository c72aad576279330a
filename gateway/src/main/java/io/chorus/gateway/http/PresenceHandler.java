package io.chorus.gateway.http;

import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.presence.PresenceFrames;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiConsumer;

/**
 * {@code GET /v1/channels/{channel}/presence} (the members across pods; the presence capability) and
 * {@code GET /v1/channels/{channel}/occupancy} (the counts; subscribe or presence).
 */
public final class PresenceHandler {

    public static final String PRESENCE = "/presence";
    public static final String OCCUPANCY = "/occupancy";

    private final RestDeps deps;

    public PresenceHandler(RestDeps deps) {
        this.deps = deps;
    }

    public void members(RoutingContext ctx) {
        authorized(ctx, PRESENCE, (who, channel) -> {
            Authenticator.require(who, channel, Operation.PRESENCE);
            respond(ctx, PresenceFrames.members(null, null, channel.value(),
                    deps.presence().members(channel.value())));
        });
    }

    public void occupancy(RoutingContext ctx) {
        authorized(ctx, OCCUPANCY, (who, channel) -> {
            Authenticator.requireOccupancy(who, channel);
            respond(ctx, PresenceFrames.occupancy(null, null, channel.value(),
                    deps.presence().occupancy(channel.value())));
        });
    }

    /** The channel and the principal, then {@code then}; any ChorusException is the answer. */
    private void authorized(RoutingContext ctx, String suffix, BiConsumer<Principal, ChannelName> then) {
        try {
            ChannelName channel = ChannelPath.parse(ctx.request().path(), suffix);
            deps.subscriptions().namespace(channel);
            Credentials.authenticate(ctx.request(), ctx.vertx().getOrCreateContext(), deps.auth(), "anonymous")
                    .onSuccess(who -> {
                        try {
                            then.accept(who, channel);
                        } catch (ChorusException e) {
                            HttpErrors.send(ctx, e, deps.metrics());
                        }
                    })
                    .onFailure(err -> HttpErrors.send(ctx, err, deps.metrics()));
        } catch (ChorusException e) {
            HttpErrors.send(ctx, e, deps.metrics());
        }
    }

    private static void respond(RoutingContext ctx, com.fasterxml.jackson.databind.node.ObjectNode body) {
        ctx.response().putHeader("content-type", "application/json").end(PresenceFrames.buffer(body));
    }
}
