package io.chorus.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.client.internal.ClientCore;
import io.chorus.client.internal.ClientOptions;
import io.chorus.client.internal.PublishRequest;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A connection to a Chorus gateway's WebSocket endpoint ({@code /v1/ws}) that stays up: it reconnects
 * with backoff after any close or network error except a terminal close code (4100-4199) or
 * {@link #close()}, re-subscribes every channel from the last position it delivered, drops what it
 * delivered already, and resends unacknowledged publishes with their ids. Thread-safe.
 *
 * <pre>{@code
 * ChorusClient client = ChorusClient.builder(URI.create("ws://127.0.0.1:8080/v1/ws")).build();
 * client.subscribe("chat:room1", SubscribeOptions.live(), m -> System.out.println(m.data()));
 * client.connect().get(10, TimeUnit.SECONDS);
 * client.publish("chat:room1", "chat", Map.of("text", "hi")).get(10, TimeUnit.SECONDS);
 * }</pre>
 *
 * <p>Subscribing and publishing work in any state before {@link #close()}: requests wait for the
 * connection. Callbacks and returned futures complete on the client's delivery thread.
 */
public final class ChorusClient implements AutoCloseable {

    private final ClientCore core;
    private final ObjectMapper mapper;

    ChorusClient(ClientOptions options) {
        this.core = new ClientCore(options);
        this.mapper = options.mapper();
    }

    public static ChorusClientBuilder builder(URI wsUri) {
        return new ChorusClientBuilder(wsUri);
    }

    /**
     * Starts connecting. Completes on the first {@code connected} frame; stays pending through failed
     * attempts (bound it with {@code orTimeout}); fails when the client fails or is closed first.
     * Calling it again returns the same future.
     */
    public CompletableFuture<Void> connect() {
        return core.connect();
    }

    /** Closes the socket with 1000, stops reconnecting, and fails what is still pending. Idempotent. */
    @Override
    public void close() {
        core.close();
    }

    public ConnectionState state() {
        return core.state();
    }

    /**
     * The client id the gateway gave the last connection: the token's {@code sub}, or for an
     * anonymous client its connection id (which changes with every connection). Null before the
     * first {@code connected}.
     */
    public String clientId() {
        return core.clientId();
    }

    public void addStateListener(StateListener listener) {
        core.listeners().addState(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Hears what does not belong to any request: malformed or unknown frames from the server, server
     * errors without a ref, and exceptions thrown by the application's listeners. Without one, these
     * are logged through {@link System.Logger} at WARNING.
     */
    public void addErrorListener(Consumer<Throwable> listener) {
        core.listeners().addError(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Subscribes to {@code channel}; returns at once. See {@link Subscription#ready()} for the outcome.
     * A client holds one subscription per channel: a second one fails with {@code already_subscribed}.
     */
    public Subscription subscribe(String channel, SubscribeOptions options, MessageListener listener) {
        return core.subscribe(channel, Objects.requireNonNull(options, "options"),
                Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Enters {@code channel}'s presence as this client's id, with {@code data} (a JsonNode or anything
     * the ObjectMapper serializes; null for none). Completes when the server stored it ({@code entered}).
     * A connection need not subscribe to enter. The client enters again, with the last data, after
     * every reconnect, so others see no leave and enter within the gateway's grace period. Fails with a
     * {@link ChorusException} ({@code forbidden}, {@code message_too_large} above
     * {@code presence.maxDataBytes}, {@code too_many_subscriptions}, ...), with
     * {@link IllegalStateException} when the client is closed or failed first, and with
     * {@link java.util.concurrent.CancellationException} when {@link #leave} came first.
     */
    public CompletableFuture<Void> enter(String channel, Object data) {
        return presenceChange("enter", channel, data);
    }

    /** Changes this client's presence data on {@code channel} (entering it if need be); see {@link #enter}. */
    public CompletableFuture<Void> update(String channel, Object data) {
        return presenceChange("update", channel, data);
    }

    /**
     * Leaves {@code channel}'s presence and stops entering it after reconnects. Completes on
     * {@code left}, or at once when not connected (the member then goes when the grace period ends).
     * Fails with {@code not_present} (40403) when this connection had not entered the channel.
     */
    public CompletableFuture<Void> leave(String channel) {
        return core.leave(channel);
    }

    /** The channel's members now, across every gateway pod (needs the {@code presence} capability). */
    public CompletableFuture<PresenceMembers> presence(String channel) {
        return core.query("presence", channel).thenApply(PresenceMembers.class::cast);
    }

    /** The channel's counts now (needs the {@code subscribe} or {@code presence} capability). */
    public CompletableFuture<Occupancy> occupancy(String channel) {
        return core.query("occupancy", channel).thenApply(Occupancy.class::cast);
    }

    private CompletableFuture<Void> presenceChange(String type, String channel, Object data) {
        JsonNode tree;
        try {
            tree = data == null ? null : data instanceof JsonNode node ? node.deepCopy() : mapper.valueToTree(data);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new ChorusException(ErrorCode.INVALID_FIELD,
                    "presence data is not serializable: " + e.getMessage()));
        }
        return core.setPresence(type, channel, tree);
    }

    /** Publishes with a generated id. See {@link #publish(String, String, Object, String)}. */
    public CompletableFuture<PublishResult> publish(String channel, String name, Object data) {
        return publish(channel, name, data, null);
    }

    /**
     * Publishes {@code data} (a {@link com.fasterxml.jackson.databind.JsonNode} or anything the
     * client's ObjectMapper serializes) on {@code channel}, with event {@code name} (nullable) and
     * message {@code id} (nullable: one is generated). Completes with the server's ack, sent once Kafka
     * has the record; survives reconnects (resent with the same id, so never written twice). Fails
     * with a {@link ChorusException}: at once for a bad channel, id or name, or when
     * {@code maxPublishesInFlight} publishes are pending ({@code busy}); later when the server refuses
     * it for good or retryable errors exceed the retry limit. Fails with {@link IllegalStateException}
     * when the client is closed or failed first.
     */
    public CompletableFuture<PublishResult> publish(String channel, String name, Object data, String id) {
        PublishRequest request;
        try {
            request = PublishRequest.create(mapper, channel, name, data, id);
        } catch (ChorusException e) {
            return CompletableFuture.failedFuture(e);
        }
        return core.publish(request);
    }
}
