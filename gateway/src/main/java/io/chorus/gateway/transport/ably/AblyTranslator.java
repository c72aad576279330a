package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.auth.Capabilities;
import io.chorus.gateway.session.Out;
import io.chorus.schema.ChorusException;
import io.chorus.schema.CloseReason;
import io.chorus.schema.ErrorCode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Ably connection's protocol-message translator. Client ProtocolMessages become the session's
 * request frames (PROTOCOL.md), each with a ref of ours; the session's frames come back and become
 * ProtocolMessages. So the session decides everything (capabilities, limits, ids, positions) as for its
 * own clients, and the translator only speaks. It reads each ProtocolMessage, keeps the connection
 * (CONNECTED, HEARTBEAT, CLOSE, the Kafka stream state, token renewal, the end) and routes the rest, each
 * side to its part: ATTACH, DETACH, deliveries and members to {@link AblyChannels}; MESSAGE, PRESENCE
 * and their ACKs and NACKs to {@link AblyPublishFlow}. Touched on the connection's event loop only.
 */
final class AblyTranslator {

    private static final Logger LOG = LoggerFactory.getLogger(AblyTranslator.class);

    /** Where the translator's output goes: the session, and the client's socket. */
    interface Peer {
        /** A Chorus request frame for the session. */
        void toSession(Buffer frame);

        /** Any client traffic: proof of life for the idle timeout. */
        void activity();

        void toClient(String protocolMessage);

        /** Closes the socket after what was written. */
        void end();
    }

    /**
     * {@code maxChannels}: channels per connection ({@link AblyChannels}); {@code maxPendingPublishes}:
     * ProtocolMessages waiting for Kafka ({@link AblyPublishFlow}); {@code maxRewind}:
     * {@code connection.maxRewind}, the most a {@code rewind} channel param delivers.
     */
    record Limits(int maxChannels, int maxPendingPublishes, int maxRewind) {
        Limits(int maxChannels, int maxPendingPublishes) {
            this(maxChannels, maxPendingPublishes, 100);
        }
    }

    /** Token renewal on a live connection (RTC8, RTN22): {@link AblyRenewal}; without one, AUTH is refused. */
    interface Renewal {
        /** Verifies an AUTH's token and applies it to the session: the new capabilities, or an AblyRefusal. */
        Capabilities renew(String accessToken);

        /** How long after the session's expiry warning to ask the client for a new token (ms). */
        long authDelayMs();

        /** Runs {@code action} on the connection's event loop after {@code delayMs}. */
        void later(long delayMs, Runnable action);
    }

    private final Peer peer;
    private final AblyFrames.Details details;
    private final ConnectParams params;
    private final MessageFrames messages;
    private final AblyMetrics metrics;
    /** The parts see the connection through this, never the translator itself. */
    private final AblyLink link = new AblyLink() {
        @Override
        public void toSession(String ref, ObjectNode frame) {
            dispatch(ref, frame);
        }

        @Override
        public void toClient(String protocolMessage) {
            send(protocolMessage);
        }

        @Override
        public void fail(AblyError error) {
            fatal(error);
        }

        @Override
        public void disconnect(AblyError error) {
            close(error);
        }

        @Override
        public boolean ended() {
            return ended;
        }
    };
    private final AblyChannels channels;
    private final AblyPublishFlow publishes;
    /** The ref of the request being handed to the session: a refusal without a ref answers it. */
    private String dispatching;
    private boolean ended;
    /** Between the session's {@code connected} and the end of its open: the CONNECTED waits for {@link #opened}. */
    private boolean opening;
    /** Why a {@code resume}/{@code recover} gave a new connection (RTN15c7, RTN16l): told in CONNECTED. */
    private AblyError connectError;
    private Renewal renewal;
    /** Counts expiry warnings and renewals, so a server AUTH scheduled for an older token is dropped. */
    private int authGeneration;

    AblyTranslator(Peer peer, AblyFrames.Details details, Capabilities capabilities, ConnectParams params, Limits limits,
                   MessageFrames messages, AblyMetrics metrics) {
        this.peer = peer;
        this.details = details;
        this.params = params;
        this.messages = messages;
        this.metrics = metrics;
        AblyPresence presence = new AblyPresence(details.connectionId(), details.clientId(), limits.maxChannels());
        this.channels = new AblyChannels(link, details, params, limits, capabilities, presence, metrics);
        this.publishes = new AblyPublishFlow(link, details, limits.maxPendingPublishes(), presence, metrics);
    }

    /**
     * The connection was resumed (same connection id, a new socket). Chorus presence entries belong to a
     * socket, so the members the SDK entered went with the old one. ably-js re-enters its own members
     * (RTP17i) on an ATTACHED without RESUMED, so the first ATTACHED of each channel that may hold them (presence
     * mode, identified connection) goes out without it; delivery still continues from the channelSerial.
     */
    void connectionResumed() {
        channels.connectionResumed();
    }

    /** Set before the session opens: the CONNECTED then carries it. */
    void connectError(AblyError error) {
        this.connectError = error;
    }

    /** Lets the connection renew its token in-band (AUTH). */
    void renewWith(Renewal r) {
        this.renewal = r;
    }

    // ---- client → session ----

    /** One text frame from the client: one ProtocolMessage. */
    void fromClient(String text) {
        JsonNode pm;
        try {
            pm = MessageCodec.JSON.readTree(text);
        } catch (IOException e) {
            pm = null;
        }
        fromClient(pm);
    }

    /** One ProtocolMessage, already parsed (MessagePack is converted by {@link MsgpackCodec}); null if unreadable. */
    void fromClient(JsonNode pm) {
        if (ended) {
            return;
        }
        peer.activity(); // every frame is proof of life (the session's idle timeout)
        if (pm == null || !pm.isObject() || !pm.path("action").isInt()) {
            fatal(AblyError.of(AblyCode.PROTOCOL_ERROR, "a frame must be one ProtocolMessage with an action"));
            return;
        }
        int action = pm.get("action").intValue();
        metrics.frameIn(action);
        try {
            switch (action) {
                case AblyProtocol.HEARTBEAT ->
                        send(AblyFrames.heartbeat(pm.path("id").isTextual() ? pm.get("id").textValue() : null));
                case AblyProtocol.CLOSE -> { // RTN12a: CLOSED, then the server closes the transport
                    publishes.leave(null); // a clean close leaves at once, as with Ably
                    send(AblyFrames.closed());
                    end();
                }
                case AblyProtocol.DISCONNECT -> end();
                case AblyProtocol.ATTACH -> channels.attach(pm);
                case AblyProtocol.DETACH -> {
                    String name = AblyChannels.nameOf(pm);
                    publishes.leave(name); // Ably leaves the connection's member when it detaches (RTP5a)
                    channels.detach(name);
                }
                case AblyProtocol.MESSAGE -> publishes.publish(pm);
                case AblyProtocol.PRESENCE -> publishes.presence(pm);
                case AblyProtocol.ANNOTATION -> publishes.refuse(pm, AblyError.unsupported("annotations"));
                case AblyProtocol.OBJECT -> publishes.refuse(pm, AblyError.unsupported("LiveObjects"));
                case AblyProtocol.AUTH -> AblyAuthFlow.auth(this, pm);
                default -> fatal(AblyError.of(AblyCode.PROTOCOL_ERROR, "action " + action + " is not one a client sends"));
            }
        } catch (AblyRefusal r) {
            fatal(r.error()); // a ProtocolMessage too broken to answer on its own terms
        }
    }

    private void dispatch(String ref, ObjectNode frame) {
        frame.put("ref", ref);
        dispatching = ref;
        try {
            peer.toSession(Buffer.buffer(AblyFrames.text(frame)));
        } finally {
            dispatching = null;
        }
    }

    // ---- session → client ----

    /** A frame the session sent (see {@link Out}). */
    void fromSession(Out kind, Buffer frame) {
        if (ended) {
            return;
        }
        try {
            switch (kind) {
                case CONNECTED -> opening = true; // sent by opened(), with what the session says right after
                case MESSAGE -> channels.deliver(messages.translate(frame));
                case SUBSCRIBED, RESUMED -> channels.attached(MessageCodec.JSON.readTree(frame.getBytes()));
                case ERROR, CHANNEL_ERROR -> error(MessageCodec.JSON.readTree(frame.getBytes()));
                case REPLY -> reply(MessageCodec.JSON.readTree(frame.getBytes()));
                case STREAM -> stream(MessageCodec.JSON.readTree(frame.getBytes()));
                case PRESENCE_SYNC, PRESENCE_EVENT ->
                        channels.presenceFrame(kind, MessageCodec.JSON.readTree(frame.getBytes()));
                case AUTH_EXPIRING -> AblyAuthFlow.expiring(this);
                default -> { } // presence, occupancy and token notices: never asked for on this transport
            }
        } catch (IOException e) {
            LOG.error("unreadable session frame {}", kind, e);
        }
    }

    /** An answer to a request: an ACK's serial for the publish flow, or a detach done. */
    private void reply(JsonNode f) {
        String ref = f.path("ref").asText();
        String type = f.path("type").asText();
        if (!publishes.replied(ref, type, f.path("position").asText())) {
            channels.replied(ref, type);
        }
    }

    private void error(JsonNode f) {
        ErrorCode code = ErrorCode.byWireName(f.path("error").asText());
        ChorusException e = new ChorusException(code == null ? ErrorCode.INTERNAL : code, f.path("message").asText());
        String ref = f.hasNonNull("ref") ? f.get("ref").asText() : null;
        String channel = f.hasNonNull("channel") ? f.get("channel").asText() : null;
        if (ref == null && channel == null) {
            ref = dispatching; // refused before the session could read its ref (e.g. a frame over the limit)
        }
        if (ref != null && (publishes.refused(ref, e) || channels.refused(ref, e))) {
            return;
        }
        if (channel != null) {
            channels.lost(channel, e);
            return;
        }
        LOG.warn("ably connection {}: session error without a request: {}", details.connectionId(), e.getMessage());
        fatal(AblyError.from(e, false));
    }

    /**
     * Kafka stopped or started answering (PROTOCOL.md, stream notices): a CONNECTED on the same
     * connection is an UPDATE event for ably-js (RTN24), with the reason while stalled.
     */
    private void stream(JsonNode f) {
        boolean stalled = "stalled".equals(f.path("state").asText());
        AblyError error = stalled ? AblyError.of(AblyCode.SERVICE_TEMPORARILY_UNAVAILABLE,
                "Kafka is not answering (" + f.path("reason").asText() + "): no messages flow, publishes fail") : null;
        if (opening) {
            // The stream state at open: told in the CONNECTED itself. ably-js could miss a second CONNECTED
            // right behind the first (it was still activating the transport), and never hear of the stall.
            if (error != null && connectError == null) {
                connectError = error;
            }
            return;
        }
        send(AblyFrames.connected(details, error));
    }

    /** The session opened: its CONNECTED goes out, with the stream state if Kafka is stalled (RTN24 after). */
    void opened() {
        if (opening && !ended) {
            opening = false;
            send(AblyFrames.connected(details, connectError));
        }
    }

    // ---- token renewal (AblyAuthFlow) ----

    Renewal renewal() {
        return renewal;
    }

    boolean ended() {
        return ended;
    }

    /** New credentials took effect: their capabilities apply to later attaches; CONNECTED tells the client (RTC8a1). */
    void renewed(Capabilities next) {
        channels.renewed(next);
        send(AblyFrames.connected(details, null));
    }

    int nextAuthGeneration() {
        return ++authGeneration;
    }

    int authGeneration() {
        return authGeneration;
    }

    void sendAuth() {
        send(AblyFrames.auth());
    }

    void refuseAuth(AblyError error) {
        fatal(error);
    }

    // ---- the connection ----

    /** A heartbeat of the session: HEARTBEAT when the client asked for protocol heartbeats (RTN23b). */
    void heartbeat() {
        if (params.heartbeats() && !ended) {
            send(AblyFrames.heartbeat(null));
        }
    }

    /** The session ends the connection: a last DISCONNECTED (reconnect) or ERROR (terminal), RTN15h, RTN14g. */
    void closing(CloseReason reason) {
        if (ended) {
            return;
        }
        AblyError error = AblyError.closing(reason);
        metrics.error(error.code());
        String pm = reason.reconnect() ? AblyFrames.disconnected(error) : AblyFrames.error(null, error);
        ended = true;
        peer.toClient(pm);
    }

    /** A frame that could not be read in the connection's format: the connection fails (80013). */
    void malformed(AblyError error) {
        if (!ended) {
            peer.activity();
            fatal(error);
        }
    }

    /** Ends the connection, telling the client to reconnect. */
    private void close(AblyError error) {
        metrics.error(error.code());
        send(AblyFrames.disconnected(error));
        end();
    }

    /** A connection-level ERROR: the client's connection FAILS (RTN14g, RTN15c4); then the socket closes. */
    private void fatal(AblyError error) {
        metrics.error(error.code());
        send(AblyFrames.error(null, error));
        end();
    }

    private void end() {
        if (!ended) {
            ended = true;
            peer.end();
        }
    }

    private void send(String pm) {
        if (!ended) {
            peer.toClient(pm);
        }
    }
}
