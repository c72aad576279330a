package io.chorus.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.Services;
import io.chorus.gateway.admission.TokenBucket;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.feed.FeedMessage;
import io.chorus.gateway.subscription.MessageSink;
import io.chorus.gateway.subscription.Shard;
import io.chorus.gateway.subscription.Subscription;
import io.chorus.schema.ChorusException;
import io.chorus.schema.CloseReason;
import io.chorus.schema.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * One client connection's protocol state on its event loop: its subscriptions (bounded), heartbeat
 * and idle timeout, and the request handlers. Every problem with a client frame becomes an
 * enumerated {@code error} frame; the connection stays open unless a close reason applies.
 */
public final class Session implements MessageSink {

    private final String id;
    private final Transport transport;
    private final Shard shard;
    private final Services services;
    private final Vertx vertx;
    private final Map<String, Subscription> subscriptions = new HashMap<>();
    /** Channels this connection entered (presence), and the presence/occupancy watches of its subscriptions. */
    private java.util.Set<String> entered;
    private Map<String, Runnable> watches;
    private final RequestHandler requests;
    /** Made on first use: most connections only subscribe, many never publish. */
    private TokenBucket publishes;
    private TokenBucket subscribes;
    private Principal principal;
    private long expiryTimer = -1;
    private long lastSeen;
    private Heartbeats heartbeats;
    /** This session's slot in its event loop's {@link Heartbeats}. */
    int heartbeatSlot;
    private boolean closed;

    public Session(String id, Transport transport, Shard shard, Services services, Vertx vertx, Principal principal) {
        this.principal = principal;
        this.id = id;
        this.transport = transport;
        this.shard = shard;
        this.services = services;
        this.vertx = vertx;
        this.requests = new RequestHandler(this);
    }

    public void open() {
        var c = services.config();
        lastSeen = services.clock().millis();
        transport.send(Frames.connected(id, principal.clientId(), principal.expiresAtMs(), c));
        services.connections().add(this, shard.context(), () -> close(CloseReason.SERVER_SHUTDOWN), this::send);
        armExpiry();
        heartbeats = Heartbeats.on(shard.context(), vertx, c.connection().heartbeat().toMillis());
        heartbeats.add(this);
    }

    /** A text frame from the client. */
    public void onText(Buffer frame) {
        lastSeen = services.clock().millis();
        if (frame.length() > services.config().http().maxMessageBytes()) {
            fail(null, new ChorusException(ErrorCode.MESSAGE_TOO_LARGE, "frame is " + frame.length()
                    + " bytes; the limit is " + services.config().http().maxMessageBytes()));
            return;
        }
        JsonNode node;
        try {
            node = Frames.JSON.readTree(frame.getBytes());
        } catch (java.io.IOException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            fail(null, new ChorusException(ErrorCode.BAD_JSON, "a frame must be one JSON object"));
            return;
        }
        requests.handle(node);
    }

    /** A text message larger than the protocol limit; its bytes were not kept. */
    public void onTooLarge(long size) {
        lastSeen = services.clock().millis();
        fail(null, new ChorusException(ErrorCode.MESSAGE_TOO_LARGE, "frame is " + size
                + " bytes; the limit is " + services.config().http().maxMessageBytes()));
    }

    public void onBinary() {
        lastSeen = services.clock().millis();
        fail(null, new ChorusException(ErrorCode.BINARY_NOT_SUPPORTED, "send JSON text frames"));
    }

    /** The transport closed (either side): release everything. */
    public void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        services.connections().remove(this);
        if (heartbeats != null) {
            heartbeats.remove(this);
        }
        if (expiryTimer >= 0) {
            vertx.cancelTimer(expiryTimer);
        }
        for (Subscription s : new ArrayList<>(subscriptions.values())) {
            unwatch(s.channel().value());
            services.subscriptions().stop(shard, s);
        }
        if (entered != null && !entered.isEmpty()) {
            services.presence().closed(id, entered);
        }
        services.metrics().subscriptionsChanged(-subscriptions.size());
        subscriptions.clear();
        services.admission().release(transport.kind());
    }

    void heartbeat() {
        if (closed) {
            return;
        }
        if (services.clock().millis() - lastSeen >= services.config().connection().idleTimeout().toMillis()) {
            close(CloseReason.IDLE_TIMEOUT);
            return;
        }
        transport.heartbeat(Frames.PING);
    }

    /** Proof of life that is not a message (a WebSocket pong): resets the idle timeout. */
    public void onActivity() {
        lastSeen = services.clock().millis();
    }

    void send(Buffer frame) {
        if (!closed) {
            transport.send(frame);
        }
    }

    void fail(String ref, ChorusException e) {
        services.metrics().error(e.code().wireName());
        send(Frames.error(ref, null, e));
    }

    /** Takes a token of the connection's publish or subscribe rate, or refuses with rate_limited. */
    void rateLimit(boolean publish) {
        long wait = bucket(publish).tryTake();
        if (wait > 0) {
            throw new ChorusException(ErrorCode.RATE_LIMITED, "too many " + (publish ? "publishes" : "subscribes")
                    + " on this connection", wait);
        }
    }

    private TokenBucket bucket(boolean publish) {
        var limits = services.config().limits();
        if (publish) {
            if (publishes == null) {
                publishes = services.admission().bucket(limits.publishesPerSecond());
            }
            return publishes;
        }
        if (subscribes == null) {
            subscribes = services.admission().bucket(limits.subscribesPerSecond());
        }
        return subscribes;
    }

    String id() {
        return id;
    }

    Principal principal() {
        return principal;
    }

    /** A refreshed token for the same client: new capabilities and expiry, subscriptions kept. */
    void reauthenticate(Principal next) {
        principal = next;
        if (expiryTimer >= 0) {
            vertx.cancelTimer(expiryTimer);
            expiryTimer = -1;
        }
    }

    /**
     * Warns the client {@code auth.expiryWarning} before its token expires, then closes with
     * token_expired at expiry plus {@code auth.clockSkew} (reconnectable: the SDK fetches a new token and resumes).
     */
    void armExpiry() {
        if (expiryTimer >= 0) {
            vertx.cancelTimer(expiryTimer);
            expiryTimer = -1;
        }
        long expiresAt = principal.expiresAtMs();
        if (expiresAt == Long.MAX_VALUE) {
            return;
        }
        long now = services.clock().millis();
        long warnAt = expiresAt - services.config().auth().expiryWarning().toMillis();
        if (warnAt > now) {
            expiryTimer = vertx.setTimer(warnAt - now, t -> {
                expiryTimer = -1;
                send(Frames.authExpiring(principal.expiresAtMs()));
                armClose();
            });
        } else {
            send(Frames.authExpiring(expiresAt));
            armClose();
        }
    }

    /** At exp plus the clock skew the token was accepted with, so a token accepted is never closed at once. */
    private void armClose() {
        long left = principal.expiresAtMs() + services.config().auth().clockSkew().toMillis() - services.clock().millis();
        expiryTimer = vertx.setTimer(Math.max(1, left), t -> {
            expiryTimer = -1;
            close(CloseReason.TOKEN_EXPIRED);
        });
    }

    java.util.Set<String> entered() {
        if (entered == null) {
            entered = new java.util.HashSet<>(4);
        }
        return entered;
    }

    /** Starts the presence and/or occupancy watch a subscription asked for. */
    void watch(io.chorus.schema.ChannelName channel, boolean presence, boolean occupancy) {
        if (!presence && !occupancy || closed) {
            return;
        }
        io.chorus.gateway.presence.PresenceSink sink = frame -> shard.context().runOnContext(v -> send(frame));
        Runnable p = presence ? services.presence().watchPresence(channel, sink) : null;
        Runnable o = occupancy ? services.presence().watchOccupancy(channel, sink) : null;
        if (watches == null) {
            watches = new HashMap<>(4);
        }
        watches.put(channel.value(), () -> {
            if (p != null) {
                p.run();
            }
            if (o != null) {
                o.run();
            }
        });
    }

    void unwatch(String channel) {
        Runnable stop = watches == null ? null : watches.remove(channel);
        if (stop != null) {
            stop.run();
        }
    }

    boolean closed() {
        return closed;
    }

    Shard shard() {
        return shard;
    }

    Services services() {
        return services;
    }

    Map<String, Subscription> subscriptions() {
        return subscriptions;
    }

    @Override
    public void send(FeedMessage message) {
        if (closed) {
            return;
        }
        transport.send(message.frame());
        services.metrics().delivered(transport.kind(), 1, message.frame().length());
    }

    @Override
    public boolean writable() {
        return transport.writable();
    }

    @Override
    public void onWritable(Runnable action) {
        transport.onWritable(action);
    }

    @Override
    public void conflated(java.util.List<FeedMessage> messages) {
        services.metrics().conflated(messages.size());
    }

    @Override
    public void fellBehind() {
        services.metrics().fellBehind(transport.kind());
    }

    @Override
    public void overflow() {
        if (!closed) {
            services.metrics().slowConsumer();
            close(CloseReason.SLOW_CONSUMER);
        }
    }

    private void close(CloseReason reason) {
        if (!closed) {
            services.metrics().closed(transport.kind(), reason.wireName());
            transport.close(reason);
            onClosed();
        }
    }
}
