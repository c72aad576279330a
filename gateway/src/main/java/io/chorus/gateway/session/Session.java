package io.chorus.gateway.session;

import io.chorus.gateway.admission.TokenBucket;
import io.chorus.gateway.auth.Principal;
import io.chorus.gateway.feed.FeedMessage;
import io.chorus.gateway.subscription.MessageSink;
import io.chorus.gateway.subscription.Shard;
import io.chorus.gateway.subscription.StartSpec;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.CloseReason;
import io.chorus.schema.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * One client connection on its event loop, whatever the transport: who it is (the principal, replaced
 * by an in-band refresh, and the token's expiry), its channels ({@link SessionChannels}: subscriptions,
 * presence and watches, all bounded), its heartbeat and idle timeout, its rate limits and its
 * admission slot. WebSocket feeds it request frames ({@link #onText}); an SSE stream or a long-poll
 * opens it with its request's channels ({@link #openStream}). Every rule lives here once, so all three
 * transports keep the same ones; a transport only turns frames into bytes ({@link Transport}).
 */
public final class Session implements MessageSink {

    private final String id;
    /** The connection id its publishes carry (a record header); for most sessions their id. */
    private final String connectionId;
    private final Transport transport;
    private final Shard shard;
    private final SessionDeps deps;
    private final Vertx vertx;
    private final SessionChannels channels;
    /** Made on first use: streams never send frames, most WebSocket connections only subscribe. */
    private RequestHandler requests;
    private TokenBucket publishes;
    private TokenBucket subscribes;
    private Principal principal;
    /** For SSE and long-poll: the positions token that each event carries. */
    private StreamPositions stream;
    private long expiryTimer = -1;
    private long lastSeen;
    private Heartbeats heartbeats;
    /** This session's slot in its event loop's {@link Heartbeats}. */
    int heartbeatSlot;
    private boolean closed;
    /** What the client says it last saw of the stream ({@link StreamNotices#PARAM}). */
    private boolean sawStalled;

    public Session(String id, Transport transport, Shard shard, SessionDeps deps, Vertx vertx, Principal principal) {
        this(id, id, transport, shard, deps, vertx, principal);
    }

    /**
     * {@code id} is this session's own (presence counts its entries by it, so two sessions never share
     * one); {@code connectionId} is what the client knows, which a resumed Ably connection keeps while
     * the socket it replaced may not be closed yet.
     */
    public Session(String id, String connectionId, Transport transport, Shard shard, SessionDeps deps, Vertx vertx,
                   Principal principal) {
        this.principal = principal;
        this.id = id;
        this.connectionId = connectionId;
        this.transport = transport;
        this.shard = shard;
        this.deps = deps;
        this.vertx = vertx;
        this.channels = new SessionChannels(this);
    }

    /** Before {@link #open}: the client last saw the stream stalled, so it must hear if it is live now. */
    public void clientSawStalled(boolean stalled) {
        sawStalled = stalled;
    }

    /**
     * Sends {@code connected}, registers for drain and notices, arms the expiry and the heartbeat. The
     * present stream state, when the client does not know it, follows {@code connected} before any
     * other frame; later transitions come in order after it (see {@code Connections.add}).
     */
    public void open() {
        var c = deps.config();
        lastSeen = deps.clock().millis();
        transport.send(Out.CONNECTED, Frames.connected(id, principal.clientId(), principal.expiresAtMs(), c));
        Buffer standing = deps.connections().add(this, shard.context(), () -> close(CloseReason.SERVER_SHUTDOWN),
                notice -> send(Out.STREAM, notice));
        Buffer notice = StreamNotices.atOpen(standing, sawStalled);
        if (notice != null) {
            deps.metrics().registry().counter("chorus_stream_notices_at_open_total", "transport", transport.kind(),
                    "state", standing != null ? "stalled" : "live").increment();
            send(Out.STREAM, notice);
        }
        armExpiry();
        heartbeats = Heartbeats.on(shard.context(), vertx, c.connection().heartbeat().toMillis());
        heartbeats.add(this);
    }

    /**
     * Opens an SSE stream or a long-poll: its channels are subscribed from the request's positions
     * (with the watches it asked for) and its {@code enter} channels entered, through the same
     * operations as WebSocket requests. Access, limits and data were checked before the response began.
     */
    public void openStream(StreamRequest request) {
        stream = new StreamPositions(request.channels(), request.starts());
        open();
        for (int i = 0; i < request.channels().size() && !closed; i++) {
            ChannelName channel = request.channels().get(i);
            var start = request.starts().get(i);
            channels.subscribe(null, channel, start == null ? new StartSpec.Live() : new StartSpec.Since(start), 0,
                    request.presence().contains(channel.value()), request.occupancy().contains(channel.value()));
        }
        request.enter().forEach((channel, data) -> {
            if (!closed) {
                channels.enterFromStream(channel, data);
            }
        });
    }

    /** A text frame from the client. */
    public void onText(Buffer frame) {
        lastSeen = deps.clock().millis();
        if (requests == null) {
            requests = new RequestHandler(this);
        }
        requests.handle(frame);
    }

    /** A text message larger than the protocol limit; its bytes were not kept. */
    public void onTooLarge(long size) {
        lastSeen = deps.clock().millis();
        fail(null, new ChorusException(ErrorCode.MESSAGE_TOO_LARGE, "frame is " + size
                + " bytes; the limit is " + deps.config().http().maxMessageBytes()));
    }

    public void onBinary() {
        lastSeen = deps.clock().millis();
        fail(null, new ChorusException(ErrorCode.BINARY_NOT_SUPPORTED, "send JSON text frames"));
    }

    /** Proof of life that is not a message (a WebSocket pong): resets the idle timeout. */
    public void onActivity() {
        lastSeen = deps.clock().millis();
    }

    /** The transport closed or ended (either side): release everything, once. */
    public void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        deps.connections().remove(this);
        if (heartbeats != null) {
            heartbeats.remove(this);
        }
        cancelExpiry();
        channels.closeAll();
        deps.admission().release(transport.kind());
    }

    /** The positions token of a stream session (SSE, long-poll): the id of its next event. */
    public String positionsToken() {
        return stream == null ? "" : stream.token();
    }

    public String id() {
        return id;
    }

    public String connectionId() {
        return connectionId;
    }

    void heartbeat() {
        if (closed) {
            return;
        }
        if (transport.duplex()
                && deps.clock().millis() - lastSeen >= deps.config().connection().idleTimeout().toMillis()) {
            close(CloseReason.IDLE_TIMEOUT);
            return;
        }
        transport.heartbeat(Frames.PING);
    }

    void send(Out kind, Buffer frame) {
        if (!closed) {
            transport.send(kind, frame);
        }
    }

    /** The negative reply to a request ({@code ref}), or the answer to a frame that could not be read. */
    void fail(String ref, ChorusException e) {
        deps.metrics().error(e.code().wireName());
        send(Out.ERROR, Frames.error(ref, null, e));
    }

    /** A stream's channel moved to this position (its subscription started there). */
    void moved(String channel, String position) {
        if (stream != null) {
            stream.moved(channel, position);
        }
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
        var limits = deps.config().limits();
        if (publish) {
            if (publishes == null) {
                publishes = deps.admission().bucket(limits.publishesPerSecond());
            }
            return publishes;
        }
        if (subscribes == null) {
            subscribes = deps.admission().bucket(limits.subscribesPerSecond());
        }
        return subscribes;
    }

    Principal principal() {
        return principal;
    }

    /**
     * A refreshed token for the same client: new capabilities and expiry. Whatever the new token no
     * longer allows stops now: subscriptions (a forbidden error each), presence watches, occupancy
     * watches, and entered channels (left). What it still allows goes on untouched.
     */
    void reauthenticate(Principal next) {
        principal = next;
        cancelExpiry();
        channels.narrowTo(next.capabilities());
    }

    /**
     * A transport's own in-band renewal (Ably's AUTH, RTC8): as the {@code auth} request does, the new
     * principal's capabilities apply at once, then its expiry is armed.
     */
    public void renew(Principal next) {
        reauthenticate(next);
        armExpiry();
    }

    /**
     * Warns the client {@code auth.expiryWarning} before its token expires, then closes with
     * token_expired at expiry plus {@code auth.clockSkew} (reconnectable: the SDK fetches a new token and
     * resumes). The same on every transport: a stream is ended the same way a WebSocket is closed.
     */
    void armExpiry() {
        cancelExpiry();
        long expiresAt = principal.expiresAtMs();
        if (expiresAt == Long.MAX_VALUE) {
            return;
        }
        long now = deps.clock().millis();
        long warnAt = expiresAt - deps.config().auth().expiryWarning().toMillis();
        if (warnAt > now) {
            expiryTimer = vertx.setTimer(warnAt - now, t -> {
                expiryTimer = -1;
                send(Out.AUTH_EXPIRING, Frames.authExpiring(principal.expiresAtMs()));
                armClose();
            });
        } else {
            send(Out.AUTH_EXPIRING, Frames.authExpiring(expiresAt));
            armClose();
        }
    }

    /** At exp plus the clock skew the token was accepted with, so a token accepted is never closed at once. */
    private void armClose() {
        long left = principal.expiresAtMs() + deps.config().auth().clockSkew().toMillis() - deps.clock().millis();
        expiryTimer = vertx.setTimer(Math.max(1, left), t -> {
            expiryTimer = -1;
            close(CloseReason.TOKEN_EXPIRED);
        });
    }

    private void cancelExpiry() {
        if (expiryTimer >= 0) {
            vertx.cancelTimer(expiryTimer);
            expiryTimer = -1;
        }
    }

    boolean closed() {
        return closed;
    }

    Shard shard() {
        return shard;
    }

    SessionDeps deps() {
        return deps;
    }

    SessionChannels channels() {
        return channels;
    }

    @Override
    public void send(FeedMessage message) {
        if (closed) {
            return;
        }
        if (stream != null) {
            stream.moved(message.channel(), message.position());
        }
        transport.send(Out.MESSAGE, message.frame());
        deps.metrics().delivered(transport.kind(), 1, message.frame().length());
    }

    @Override
    public boolean writable() {
        return !closed && transport.writable();
    }

    @Override
    public void onWritable(Runnable action) {
        transport.onWritable(action);
    }

    @Override
    public void conflated(java.util.List<FeedMessage> messages) {
        deps.metrics().conflated(messages.size());
    }

    @Override
    public void fellBehind() {
        deps.metrics().fellBehind(transport.kind());
    }

    @Override
    public void overflow() {
        if (!closed) {
            deps.metrics().slowConsumer();
            close(CloseReason.SLOW_CONSUMER);
        }
    }

    /** Ends the connection for a reason, on any transport (see {@link Transport#close}). */
    public void close(CloseReason reason) {
        if (!closed) {
            deps.metrics().closed(transport.kind(), reason.wireName());
            transport.close(reason);
            onClosed();
        }
    }
}
