package io.chorus.gateway.http.ably;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.auth.Authenticator;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.config.NamespaceConfig;
import io.chorus.gateway.feed.TopicInfo;
import io.chorus.gateway.http.RestDeps;
import io.chorus.gateway.publish.PublishInput;
import io.chorus.gateway.publish.PublishRequest;
import io.chorus.gateway.transport.ably.AblyCode;
import io.chorus.gateway.transport.ably.AblyError;
import io.chorus.gateway.transport.ably.AblyRefusal;
import io.chorus.gateway.transport.ably.AblyRestCodec;
import io.chorus.gateway.transport.ably.AblyTokens;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /channels/{name}/messages} (RSL1): one message or an array, each checked as a realtime
 * publish is ({@link AblyRestCodec#publish}) and written through Chorus's publisher, one after another
 * so they land in the order given. Answered 201 with their serials once Kafka acknowledged every one
 * (RSL1n). ably-js gives every message an id ({@code idempotentRestPublishing}, RSL1k), so a retried
 * request yields each message once, on any pod. All messages are checked before any is written; a
 * failure part-way answers with its error, and messages before it stay written (a retry with the same
 * ids is harmless).
 */
final class AblyRestPublish {

    private final RestDeps deps;

    AblyRestPublish(RestDeps deps) {
        this.deps = deps;
    }

    void handle(AblyRestApi api, RoutingContext ctx, ChannelName channel, AblyTokens.Grant grant, JsonNode body) {
        NamespaceConfig ns = deps.subscriptions().namespace(channel);
        String identity = grant.effectiveClientId(null);
        Authenticator.require(grant.principal(identity, "rest"), channel, Operation.PUBLISH);
        if (!ns.clientPublish()) {
            throw new ChorusException(ErrorCode.PUBLISH_NOT_ALLOWED, "namespace '" + channel.namespace()
                    + "' does not accept client publishes");
        }
        List<JsonNode> messages = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(messages::add);
        } else {
            messages.add(body);
        }
        if (messages.isEmpty() || messages.size() > AblyRestCodec.MAX_MESSAGES) {
            throw new AblyRefusal(AblyError.of(messages.isEmpty() ? AblyCode.BAD_REQUEST
                    : AblyCode.TOO_MANY_MESSAGES_IN_ONE_PUBLISH, "a publish takes 1 to " + AblyRestCodec.MAX_MESSAGES
                    + " messages"));
        }
        String base = UUID.randomUUID().toString();
        String fallback = "key:" + grant.keyName();
        List<PublishInput> inputs = new ArrayList<>();
        List<String> publishers = new ArrayList<>();
        int max = deps.config().http().maxMessageBytes();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            // A key may publish as any client (RSA7); a token as its own.
            String named = m.isObject() && m.path("clientId").isTextual() ? m.get("clientId").textValue() : null;
            String who = identity != null ? identity : named;
            ObjectNode frame = AblyRestCodec.publish(m, channel.value(), base + ":" + i, who);
            inputs.add(PublishInput.from(frame, null, max));
            publishers.add(who != null ? who : fallback);
        }
        deps.admission().publishBy(publishers.get(0));
        deps.admission().publishFrom(ctx.request().remoteAddress().host());
        ArrayNode serials = AblyRestApi.JSON.createArrayNode();
        CompletableFuture<Void> chain = deps.catalog().topic(ns.topic()).thenCompose(topic ->
                publishFrom(channel, ns, topic, inputs, publishers, 0, serials));
        Future.fromCompletionStage(chain, ctx.vertx().getOrCreateContext()).onSuccess(v -> {
            ObjectNode out = AblyRestApi.JSON.createObjectNode().put("channel", channel.value())
                    .put("messageId", base);
            out.set("serials", serials);
            api.ok(ctx, "publish", 201, out.toString());
        }).onFailure(err -> api.failed(ctx, "publish", err, true));
    }

    private CompletableFuture<Void> publishFrom(ChannelName channel, NamespaceConfig ns, TopicInfo topic,
                                                List<PublishInput> inputs, List<String> publishers, int i,
                                                ArrayNode serials) {
        if (i == inputs.size()) {
            return CompletableFuture.completedFuture(null);
        }
        PublishInput in = inputs.get(i);
        // Every Ably message reaches here with an id (given, or base:index), looked up like a client-chosen one.
        return deps.publisher().publish(new PublishRequest(channel, topic, ns.partitioner(), in.id(), in.name(),
                in.value(), publishers.get(i), true)).thenCompose(r -> {
                    deps.metrics().publish("ably-rest", r.duplicate() ? "duplicate" : "ok");
                    synchronized (serials) {
                        serials.add(r.position());
                    }
                    return publishFrom(channel, ns, topic, inputs, publishers, i + 1, serials);
                });
    }
}
