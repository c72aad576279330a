package io.chorus.client.engage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.client.ChorusClient;
import io.chorus.client.Message;
import io.chorus.client.MessageListener;
import io.chorus.client.PublishResult;
import io.chorus.client.SubscribeOptions;
import io.chorus.client.Subscription;
import io.chorus.schema.ChorusException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The engagement API over a {@link ChorusClient} (publish, subscribe) and the gateway's history REST. */
final class GatewayTransport implements EngageTransport {

    private final ChorusClient client;
    private final Rest rest;
    private final URI restBase;
    private final String token;

    GatewayTransport(ChorusClient client, Rest rest, URI restBase, String token) {
        this.client = client;
        this.rest = rest;
        this.restBase = restBase;
        this.token = token;
    }

    @Override
    public CompletableFuture<PublishResult> publish(String channel, ObjectNode data, String id) {
        return client.publish(channel, null, data, id);
    }

    @Override
    public Watch subscribe(String channel, int rewind, Consumer<JsonNode> onData, Consumer<Throwable> onFailure) {
        Subscription s = client.subscribe(channel, rewind > 0 ? SubscribeOptions.rewind(rewind) : SubscribeOptions.live(),
                new MessageListener() {
                    @Override
                    public void onMessage(Message message) {
                        if (message.encoding() == null) { // engagement messages are JSON; others are not ours
                            onData.accept(message.data());
                        }
                    }

                    @Override
                    public void onSubscriptionFailed(String ch, ChorusException error) {
                        onFailure.accept(new EngageException(EngageErrorCode.NOT_DELIVERED, ch + ": the subscription "
                                + "ended: " + error.getMessage(), null, 0, error.code().wireName(), error));
                    }
                });
        return new Watch() {
            @Override
            public CompletableFuture<Void> ready() {
                return s.ready().thenApply(r -> null);
            }

            @Override
            public void cancel() {
                s.unsubscribe();
            }
        };
    }

    @Override
    public CompletableFuture<List<JsonNode>> latest(String channel, int limit) {
        URI uri = restBase.resolve("v1/channels/" + URLEncoder.encode(channel, StandardCharsets.UTF_8)
                + "/messages?limit=" + limit);
        return rest.json(rest.request(uri).header("Authorization", "Bearer " + token).GET().build()).thenApply(body -> {
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode m : body.path("messages")) {
                if (m.path("encoding").isMissingNode() && m.has("data")) {
                    out.add(m.get("data"));
                }
            }
            return out;
        });
    }

    @Override
    public void close() {
        client.close();
    }

    /** {@code ws://host:port/prefix/v1/ws} → {@code http://host:port/prefix/}: the REST API beside the socket. */
    static URI restBase(URI ws) {
        String scheme = "wss".equalsIgnoreCase(ws.getScheme()) ? "https" : "http";
        String path = ws.getPath() == null ? "" : ws.getPath();
        if (path.endsWith("/v1/ws")) {
            path = path.substring(0, path.length() - "/v1/ws".length());
        }
        return URI.create(scheme + "://" + ws.getRawAuthority() + path + "/");
    }
}
