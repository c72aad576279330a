package io.chorus.gateway.http;

import io.chorus.gateway.Services;
import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.presence.PresenceFrames;
import io.chorus.gateway.transport.Credentials;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/channels/{channel}/presence} (the members across pods; the presence capability) and
 * {@code GET /v1/channels/{channel}/occupancy} (the counts; subscribe or presence).
 */
public final class PresenceHandler {

    public static final String PRESENCE = "/presence";
    public static final String OCCUPANCY = "/occupancy";

    private final Services services;

    public PresenceHandler(Services services) {
        this.services = services;
    }

    public void members(RoutingContext ctx) {
        try {
            ChannelName channel = ChannelPath.parse(ctx.request().path(), PRESENCE);
            services.subscriptions().namespace(channel);
            Authenticator.require(principal(ctx), channel, Operation.PRESENCE);
            respond(ctx, PresenceFrames.members(null, null, channel.value(),
                    services.presence().members(channel.value())));
        } catch (ChorusException e) {
            HttpErrors.send(ctx, e, services.metrics());
        }
    }

    public void occupancy(RoutingContext ctx) {
        try {
            ChannelName channel = ChannelPath.parse(ctx.request().path(), OCCUPANCY);
            services.subscriptions().namespace(channel);
            Authenticator.requireOccupancy(principal(ctx), channel);
            respond(ctx, PresenceFrames.occupancy(null, null, channel.value(),
                    services.presence().occupancy(channel.value())));
        } catch (ChorusException e) {
            HttpErrors.send(ctx, e, services.metrics());
        }
    }

    private Principal principal(RoutingContext ctx) {
        return Credentials.authenticate(ctx.request(), services, "anonymous");
    }

    private static void respond(RoutingContext ctx, com.fasterxml.jackson.databind.node.ObjectNode body) {
        ctx.response().putHeader("content-type", "application/json").end(PresenceFrames.buffer(body));
    }
}
