package io.chorus.client.engage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.client.PublishResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the engagement API needs from the gateway, so that its rules (replies, retries, snapshot order)
 * are tested without sockets. {@link GatewayTransport} is the real one: a {@link io.chorus.client.ChorusClient}
 * plus the gateway's history REST.
 */
interface EngageTransport extends AutoCloseable {

    /** Publishes {@code data} with message id {@code id}; completes with the gateway's ack. */
    CompletableFuture<PublishResult> publish(String channel, ObjectNode data, String id);

    /**
     * Subscribes to {@code channel} from its last {@code rewind} messages (0: live) and hands each
     * message's data to {@code onData}, in order, once. {@code onFailure} hears the subscription end.
     */
    Watch subscribe(String channel, int rewind, Consumer<JsonNode> onData, Consumer<Throwable> onFailure);

    /** The data of the channel's latest {@code limit} messages, newest first (history REST, backward read). */
    CompletableFuture<List<JsonNode>> latest(String channel, int limit);

    @Override
    void close();

    /** One subscription. */
    interface Watch {
        /** Completes when the gateway accepted the subscription. */
        CompletableFuture<Void> ready();

        void cancel();
    }
}
