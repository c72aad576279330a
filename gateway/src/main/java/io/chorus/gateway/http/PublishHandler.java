package io.chorus.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.config.NamespaceConfig;
import io.chorus.gateway.feed.Failures;
import io.chorus.gateway.publish.PublishInput;
import io.chorus.gateway.publish.PublishRequest;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;

/**
 * {@code POST /v1/channels/{channel}/messages}: the same publish as over WebSocket, answered after
 * Kafka's acknowledgement. A request with an id (or Idempotency-Key) is answered with the message
 * delivered for that id, so a backend may retry the same request safely, on any pod.
 */
public final class PublishHandler implements Handler<RoutingContext> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RestDeps deps;

    public PublishHandler(RestDeps deps) {
        this.deps = deps;
    }

    @Override
    public void handle(RoutingContext ctx) {
        try {
            ChannelName channel = ChannelPath.parse(ctx.request().path());
            NamespaceConfig ns = deps.subscriptions().namespace(channel);
            Credentials.authenticate(ctx.request(), ctx.vertx().getOrCreateContext(), deps.auth(), "http")
                    .onSuccess(who -> publish(ctx, channel, ns, who))
                    .onFailure(err -> HttpErrors.send(ctx, err, deps.metrics()));
        } catch (ChorusException e) {
            HttpErrors.send(ctx, e, deps.metrics());
        }
    }

    private void publish(RoutingContext ctx, ChannelName channel, NamespaceConfig ns, Principal who) {
        try {
            Authenticator.require(who, channel, Operation.PUBLISH);
            if (!who.anonymous()) {
                deps.admission().publishBy(who.clientId());
            }
            if (!ns.clientPublish()) {
                throw new ChorusException(ErrorCode.PUBLISH_NOT_ALLOWED, "namespace '" + channel.namespace()
                        + "' does not accept client publishes");
            }
            deps.admission().publishFrom(ctx.request().remoteAddress().host());
            JsonNode body = body(ctx);
            String idHeader = ctx.request().getHeader("Idempotency-Key");
            PublishInput input = PublishInput.from(body, idHeader, deps.config().http().maxMessageBytes());
            Future.fromCompletionStage(deps.catalog().topic(ns.topic()).thenCompose(topic ->
                    deps.publisher().publish(new PublishRequest(channel, topic, ns.partitioner(), input.id(), input.name(),
                            input.value(), who.clientId(), !input.generatedId()))), ctx.vertx().getOrCreateContext())
                    .onSuccess(r -> {
                        deps.metrics().publish("http", r.duplicate() ? "duplicate" : "ok");
                        var out = JSON.createObjectNode().put("channel", channel.value()).put("id", r.id())
                                .put("position", r.position()).put("duplicate", r.duplicate());
                        ctx.response().setStatusCode(r.duplicate() ? 200 : 201)
                                .putHeader("content-type", "application/json").end(out.toString());
                    })
                    .onFailure(err -> {
                        ChorusException e = Failures.toChorus(err);
                        deps.metrics().publish("http", e.code().wireName());
                        HttpErrors.send(ctx, e, deps.metrics());
                    });
        } catch (ChorusException e) {
            HttpErrors.send(ctx, e, deps.metrics());
        }
    }

    private static JsonNode body(RoutingContext ctx) {
        try {
            JsonNode n = ctx.body().buffer() == null ? null : JSON.readTree(ctx.body().buffer().getBytes());
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (IOException e) {
            // answered below
        }
        throw new ChorusException(ErrorCode.BAD_JSON, "the body must be one JSON object");
    }
}
