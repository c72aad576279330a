package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.auth.Capabilities;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.session.Out;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.CloseReason;
import io.chorus.schema.ErrorCode;
import io.chorus.schema.Position;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Ably connection's protocol-message translator. Client ProtocolMessages become the session's
 * request frames (PROTOCOL.md), each with a ref of ours; the session's frames come back and become
 * ProtocolMessages: {@code subscribed} → ATTACHED, {@code unsubscribed} → DETACHED, {@code ack} and
 * {@code error} → ACK and NACK in {@code msgSerial} order ({@link PublishAcks}), {@code message} →
 * MESSAGE. So the session decides everything (capabilities, limits, ids, positions) as for its own
 * clients, and this class only speaks. Touched on the connection's event loop only.
 *
 * <p>Bounds: at most {@code maxChannels} channels (attaching, attached or detaching), at most
 * {@code maxPendingPublishes} ProtocolMessages waiting for Kafka (more are NACKed in turn; twice as
 * many ends the connection, RTN15h), at most {@link #MAX_MESSAGES_PER_PUBLISH} messages in one; the refs
 * in flight are bounded by these.
 */
final class AblyTranslator {

    private static final Logger LOG = LoggerFactory.getLogger(AblyTranslator.class);
    /** Messages in one MESSAGE ProtocolMessage (Ably: 40034 beyond its own limit). */
    static final int MAX_MESSAGES_PER_PUBLISH = 100;

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

    /** {@code maxRewind}: {@code connection.maxRewind}, the most a {@code rewind} channel param delivers. */
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

    private enum State { ATTACHING, ATTACHED, DETACHING }

    private static final class Channel {
        State state = State.ATTACHING;
        final int modes;
        String serial;
        String ref;
        /** Why the channel lost continuity at this attach: told in ATTACHED (RTL4c1's channelSerial was unusable). */
        AblyError discontinuity;
        /** Its first ATTACHED since a connection resume went out (see {@link #connectionResumed}). */
        boolean attachedSinceResume;
        /** An ATTACH that came while detaching: sent once the detach is done. */
        JsonNode attachAfterDetach;
        /** The {@code rewind} param of the ATTACH, or null. */
        AblyRewind rewind;
        /** A rewind by time: rewound messages older than this record time are skipped; 0 once one passed. */
        long rewindCutoff;

        Channel(int modes) {
            this.modes = modes;
        }
    }

    /** PRESENCE: a client's enter/update or leave (ACKed); IMPLICIT_LEAVE: ours, on detach or close. */
    private enum Kind { ATTACH, DETACH, PUBLISH, PRESENCE, PRESENCE_LEAVE, IMPLICIT_LEAVE }

    private record Pending(Kind kind, String channel, PublishAcks.Entry entry, int index) {
    }

    private final Peer peer;
    private final AblyFrames.Details details;
    /** Replaced by a renewal (AUTH): what the connection's credentials allow now. */
    private Capabilities capabilities;
    private final ConnectParams params;
    private final Limits limits;
    private final MessageFrames messages;
    private final AblyMetrics metrics;
    private final MessageCodec.Publisher publisher;
    private final Map<String, Channel> channels = new HashMap<>();
    private final Map<String, Pending> refs = new HashMap<>();
    private final PublishAcks acks = new PublishAcks();
    private final AblyPresence presence;
    private long nextRef;
    /** The ref of the request being handed to the session: a refusal without a ref answers it. */
    private String dispatching;
    private boolean ended;
    /** Between the session's {@code connected} and the end of its open: the CONNECTED waits for {@link #opened}. */
    private boolean opening;
    /** This socket resumed a connection whose presence entries belonged to the socket it replaced. */
    private boolean presenceToReenter;
    /** Why a {@code resume}/{@code recover} gave a new connection (RTN15c7, RTN16l): told in CONNECTED. */
    private AblyError connectError;
    private Renewal renewal;
    /** Counts expiry warnings and renewals, so a server AUTH scheduled for an older token is dropped. */
    private int authGeneration;

    AblyTranslator(Peer peer, AblyFrames.Details details, Capabilities capabilities, ConnectParams params, Limits limits,
                   MessageFrames messages, AblyMetrics metrics) {
        this.peer = peer;
        this.details = details;
        this.capabilities = capabilities;
        this.params = params;
        this.limits = limits;
        this.messages = messages;
        this.metrics = metrics;
        this.publisher = new MessageCodec.Publisher(details.clientId());
        this.presence = new AblyPresence(details.connectionId(), details.clientId(), limits.maxChannels());
    }

    /**
     * The connection was resumed (same connection id, a new socket). Chorus presence entries belong to a
     * socket, so the members the SDK entered went with the old one. ably-js re-enters its own members
     * (RTP17i) on an ATTACHED without RESUMED, so the first ATTACHED of each channel that may hold them (presence
     * mode, identified connection) goes out without it; delivery still continues from the channelSerial.
     */
    void connectionResumed() {
        presenceToReenter = details.clientId() != null;
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
                    leavePresence(null); // a clean close leaves at once, as with Ably
                    send(AblyFrames.closed());
                    end();
                }
                case AblyProtocol.DISCONNECT -> end();
                case AblyProtocol.ATTACH -> attach(pm);
                case AblyProtocol.DETACH -> detach(pm);
                case AblyProtocol.MESSAGE -> publish(pm);
                case AblyProtocol.PRESENCE -> presence(pm);
                case AblyProtocol.ANNOTATION -> refuseAckable(pm, AblyError.unsupported("annotations"));
                case AblyProtocol.OBJECT -> refuseAckable(pm, AblyError.unsupported("LiveObjects"));
                case AblyProtocol.AUTH -> AblyAuthFlow.auth(this, pm);
                default -> fatal(AblyError.of(AblyCode.PROTOCOL_ERROR, "action " + action + " is not one a client sends"));
            }
        } catch (AblyRefusal r) {
            fatal(r.error()); // a ProtocolMessage too broken to answer on its own terms
        }
    }

    /** RTL4: ATTACH. The session subscribes when the granted modes include SUBSCRIBE. */
    private void attach(JsonNode pm) {
        String name = channelOf(pm);
        Channel existing = channels.get(name);
        if (existing != null) {
            switch (existing.state) {
                // Still attached here: continuity was never broken (RESUMED).
                case ATTACHED -> send(AblyFrames.attached(name, existing.serial,
                        existing.modes | AblyProtocol.RESUMED, existing.rewind, null));
                case DETACHING -> existing.attachAfterDetach = pm;
                case ATTACHING -> { } // its ATTACHED is on the way
            }
            return;
        }
        if (channels.size() >= limits.maxChannels()) {
            channelFailed(name, new AblyError(AblyCode.TOO_MANY_CHANNELS, "at most " + limits.maxChannels()
                    + " channels per connection", false));
            return;
        }
        ChannelName channel;
        try {
            channel = ChannelName.parse(name);
        } catch (ChorusException e) {
            channelFailed(name, AblyError.of(AblyCode.INVALID_CHANNEL_NAME, e.getMessage()));
            return;
        }
        JsonNode chParams = pm.get("params");
        AblyRewind rewind = null;
        if (chParams != null && chParams.isObject()) {
            var it = chParams.fieldNames();
            while (it.hasNext()) {
                String p = it.next();
                if ("rewind".equals(p)) {
                    try {
                        rewind = AblyRewind.parse(chParams.get(p).asText(), limits.maxRewind());
                    } catch (AblyRefusal r) {
                        channelFailed(name, r.error());
                        return;
                    }
                } else if (!"agent".equals(p)) { // RTL4k: a param not honoured must be said, not dropped
                    channelFailed(name, AblyError.unsupported("channel param '" + shorten(p) + "'"));
                    return;
                }
            }
        }
        int requested = pm.path("flags").asInt(0) & AblyProtocol.MODE_ALL;
        if (requested == 0) {
            requested = AblyProtocol.MODE_SUBSCRIBE | AblyProtocol.MODE_PUBLISH // no modes asked: Ably's defaults
                    | AblyProtocol.MODE_PRESENCE | AblyProtocol.MODE_PRESENCE_SUBSCRIBE;
        }
        int granted = 0;
        if ((requested & AblyProtocol.MODE_SUBSCRIBE) != 0 && capabilities.allows(channel, Operation.SUBSCRIBE)) {
            granted |= AblyProtocol.MODE_SUBSCRIBE;
        }
        if ((requested & AblyProtocol.MODE_PUBLISH) != 0 && capabilities.allows(channel, Operation.PUBLISH)) {
            granted |= AblyProtocol.MODE_PUBLISH;
        }
        granted |= AblyPresence.grantedModes(requested, capabilities, channel);
        if (granted == 0) {
            boolean wantsPubSub = (requested & AblyPresence.SUPPORTED_MODES) != 0;
            channelFailed(name, wantsPubSub
                    ? new AblyError(AblyCode.CAPABILITY_DENIED, "the key allows none of the modes asked for on "
                            + name, false)
                    : AblyError.unsupported("channel modes other than SUBSCRIBE, PUBLISH, PRESENCE and PRESENCE_SUBSCRIBE"));
            return;
        }
        Channel ch = new Channel(granted);
        ch.rewind = rewind;
        channels.put(name, ch);
        String serial = pm.path("channelSerial").isTextual() ? pm.get("channelSerial").textValue() : null;
        if (!AblyPresence.subscribes(granted)) {
            ch.state = State.ATTACHED; // publish or enter only: nothing to deliver, so no subscription
            ch.serial = serial;
            send(AblyFrames.attached(name, serial, granted, null));
            return;
        }
        subscribe(name, ch, serial);
    }

    /** The session's subscribe; RTL4c1: a channelSerial of ours resumes right after that message. */
    private void subscribe(String name, Channel ch, String channelSerial) {
        ObjectNode frame = MessageCodec.JSON.createObjectNode().put("type", "subscribe").put("channel", name);
        if ((ch.modes & AblyProtocol.MODE_PRESENCE_SUBSCRIBE) != 0) {
            frame.put("presence", true); // presence_sync, then presence_event: SYNC and PRESENCE
        }
        ch.rewindCutoff = 0;
        if (channelSerial != null) {
            try {
                frame.put("since", Position.decode(channelSerial).encode());
            } catch (ChorusException e) {
                ch.discontinuity = AblyError.of(AblyCode.CHANNEL_CONTINUITY_NOT_GUARANTEED,
                        "the channelSerial is not a Chorus position: attached from now on");
            }
        }
        // A reattach continues from its channelSerial (RTL4c1), which wins over rewind, as on Ably.
        if (!frame.has("since") && ch.rewind != null && !ch.rewind.none()) {
            frame.put("rewind", ch.rewind.count());
            ch.rewindCutoff = ch.rewind.cutoff(System.currentTimeMillis());
        }
        ch.ref = "a" + (++nextRef);
        refs.put(ch.ref, new Pending(Kind.ATTACH, name, null, 0));
        dispatch(ch.ref, frame);
    }

    /** RTL5: DETACH. */
    private void detach(JsonNode pm) {
        String name = channelOf(pm);
        leavePresence(name); // Ably leaves the connection's member when it detaches (RTP5a)
        Channel ch = channels.get(name);
        if (ch == null || !AblyPresence.subscribes(ch.modes)) {
            channels.remove(name);
            presence.unwatch(name);
            send(AblyFrames.detached(name, null));
            return;
        }
        if (ch.state == State.DETACHING) {
            ch.attachAfterDetach = null; // the latest request wins
            return;
        }
        if (ch.ref != null) {
            refs.remove(ch.ref); // an attach still pending: the session drops its answer once unsubscribed
        }
        ch.state = State.DETACHING;
        ch.ref = "d" + (++nextRef);
        refs.put(ch.ref, new Pending(Kind.DETACH, name, null, 0));
        dispatch(ch.ref, MessageCodec.JSON.createObjectNode().put("type", "unsubscribe").put("channel", name));
    }

    /**
     * The start shared by MESSAGE and PRESENCE (RTN7): a {@code msgSerial} above the previous one (else the
     * connection fails, RTN7b) and an ACK slot for its {@code n} items, in order; null when the connection
     * ended here (also when far more than {@code maxPendingPublishes} wait: RTN15h).
     */
    private PublishAcks.Entry ackable(JsonNode pm, String action, int n) {
        JsonNode serialNode = pm.get("msgSerial");
        if (serialNode == null || !serialNode.isIntegralNumber() || !serialNode.canConvertToLong()
                || serialNode.longValue() < 0 || !acks.inOrder(serialNode.longValue())) {
            fatal(AblyError.of(AblyCode.PROTOCOL_ERROR, action + " needs a msgSerial above the previous one (RTN7b)"));
            return null;
        }
        PublishAcks.Entry entry = acks.add(serialNode.longValue(), Math.max(n, 1));
        if (acks.size() > 2 * limits.maxPendingPublishes()) {
            close(new AblyError(AblyCode.RATE_LIMIT_PER_CONNECTION_INBOUND_FATAL, "far more than "
                    + limits.maxPendingPublishes() + " publishes waiting on this connection", true));
            return null;
        }
        return entry;
    }

    /** RTL6 and RTN7: MESSAGE, one session publish per message, one ACK or NACK for the ProtocolMessage. */
    private void publish(JsonNode pm) {
        JsonNode list = pm.get("messages");
        int n = list != null && list.isArray() ? list.size() : 0;
        PublishAcks.Entry entry = ackable(pm, "MESSAGE", n);
        if (entry == null) {
            return;
        }
        long msgSerial = pm.get("msgSerial").longValue();
        AblyError refusal = null;
        ObjectNode[] frames = new ObjectNode[n];
        String name = pm.path("channel").asText("");
        if (acks.size() > limits.maxPendingPublishes()) {
            refusal = AblyError.of(AblyCode.RATE_LIMIT_PER_CONNECTION_INBOUND, "more than "
                    + limits.maxPendingPublishes() + " publishes waiting on this connection");
        } else if (n == 0) {
            refusal = AblyError.of(AblyCode.BAD_REQUEST, "MESSAGE needs a non-empty messages array");
        } else if (n > MAX_MESSAGES_PER_PUBLISH) {
            refusal = AblyError.of(AblyCode.TOO_MANY_MESSAGES_IN_ONE_PUBLISH, "at most " + MAX_MESSAGES_PER_PUBLISH
                    + " messages in one publish");
        } else if (pm.hasNonNull("params") && !pm.get("params").isEmpty()) {
            refusal = AblyError.unsupported("publish params");
        } else {
            try {
                ChannelName.parse(name);
                for (int i = 0; i < n; i++) {
                    frames[i] = MessageCodec.toPublish(list.get(i), name, details.connectionId() + ':' + msgSerial
                            + ':' + i, publisher);
                }
            } catch (ChorusException e) {
                refusal = AblyError.of(AblyCode.INVALID_CHANNEL_NAME, e.getMessage());
            } catch (AblyRefusal r) {
                refusal = r.error();
            }
        }
        if (refusal != null) {
            metrics.error(refusal.code());
            acks.failed(entry, refusal);
            flushAcks();
            return;
        }
        for (int i = 0; i < n && !ended; i++) {
            String ref = "p" + msgSerial + "." + i;
            refs.put(ref, new Pending(Kind.PUBLISH, name, entry, i));
            dispatch(ref, frames[i]);
        }
    }

    /**
     * RTP8, RTP9, RTP10: PRESENCE, one session enter/update/leave per presence message, one ACK or NACK
     * for the ProtocolMessage, in msgSerial order with the publishes ({@link AblyPresence}).
     */
    private void presence(JsonNode pm) {
        JsonNode list = pm.get("presence");
        int n = list != null && list.isArray() ? list.size() : 0;
        PublishAcks.Entry entry = ackable(pm, "PRESENCE", n);
        if (entry == null) {
            return;
        }
        long msgSerial = pm.get("msgSerial").longValue();
        String name = pm.path("channel").asText("");
        AblyError refusal = null;
        List<AblyPresence.Request> requests = List.of();
        if (acks.size() > limits.maxPendingPublishes()) {
            refusal = AblyError.of(AblyCode.RATE_LIMIT_PER_CONNECTION_INBOUND, "more than "
                    + limits.maxPendingPublishes() + " publishes waiting on this connection");
        } else if (n == 0 || n > MAX_MESSAGES_PER_PUBLISH) {
            refusal = AblyError.of(AblyCode.BAD_REQUEST, "PRESENCE needs 1 to " + MAX_MESSAGES_PER_PUBLISH
                    + " presence messages");
        } else {
            try {
                ChannelName.parse(name);
                requests = presence.requests(name, list, msgSerial);
            } catch (ChorusException e) {
                refusal = AblyError.of(AblyCode.INVALID_CHANNEL_NAME, e.getMessage());
            } catch (AblyRefusal r) {
                refusal = r.error();
            }
        }
        if (refusal != null) {
            metrics.error(refusal.code());
            acks.failed(entry, refusal);
            flushAcks();
            return;
        }
        for (int i = 0; i < requests.size() && !ended; i++) {
            AblyPresence.Request r = requests.get(i);
            String ref = "e" + msgSerial + "." + i;
            boolean leave = r.action() == AblyPresence.LEAVE;
            metrics.presence(leave ? "leave" : r.action() == AblyPresence.ENTER ? "enter" : "update");
            refs.put(ref, new Pending(leave ? Kind.PRESENCE_LEAVE : Kind.PRESENCE, name, entry, i));
            dispatch(ref, r.frame());
        }
    }

    /** Leaves this connection's member on one channel (null: all) without waiting: detach, close. */
    private void leavePresence(String channel) {
        for (ObjectNode leave : presence.leaveAll(channel)) {
            String ref = "l" + (++nextRef);
            refs.put(ref, new Pending(Kind.IMPLICIT_LEAVE, leave.get("channel").asText(), null, 0));
            dispatch(ref, leave);
        }
    }

    /** PRESENCE, ANNOTATION, OBJECT: they expect an ACK or NACK (RTN7a); Chorus NACKs them in turn. */
    private void refuseAckable(JsonNode pm, AblyError error) {
        JsonNode serial = pm.get("msgSerial");
        if (serial == null || !serial.isIntegralNumber() || serial.longValue() < 0 || !acks.inOrder(serial.longValue())) {
            fatal(error);
            return;
        }
        metrics.error(error.code());
        acks.failed(acks.add(serial.longValue(), 1), error);
        flushAcks();
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
                case MESSAGE -> deliver(frame);
                case SUBSCRIBED, RESUMED -> attached(MessageCodec.JSON.readTree(frame.getBytes()));
                case ERROR, CHANNEL_ERROR -> error(MessageCodec.JSON.readTree(frame.getBytes()));
                case REPLY -> reply(MessageCodec.JSON.readTree(frame.getBytes()));
                case STREAM -> stream(MessageCodec.JSON.readTree(frame.getBytes()));
                case PRESENCE_SYNC, PRESENCE_EVENT -> presenceFrame(kind, MessageCodec.JSON.readTree(frame.getBytes()));
                case AUTH_EXPIRING -> AblyAuthFlow.expiring(this);
                default -> { } // presence, occupancy and token notices: never asked for on this transport
            }
        } catch (IOException e) {
            LOG.error("unreadable session frame {}", kind, e);
        }
    }

    private void deliver(Buffer frame) throws IOException {
        MessageCodec.Delivered m = messages.translate(frame);
        Channel ch = channels.get(m.channel());
        if (ch == null || ch.state != State.ATTACHED) {
            return; // RTL17: only an attached channel delivers
        }
        if (ch.rewindCutoff != 0) {
            if (m.timestamp() < ch.rewindCutoff) {
                return; // rewound, but older than the interval asked for
            }
            ch.rewindCutoff = 0; // from the first one inside the interval on, everything passes, in order
        }
        ch.serial = m.position();
        if ((ch.modes & AblyProtocol.MODE_SUBSCRIBE) == 0) {
            return; // subscribed for its members only (presence_subscribe without subscribe)
        }
        // RTN2b: echo=false. The publisher's connection id (a record header), or for records written before
        // it existed, an id Chorus gave (connectionId:msgSerial:index).
        if (!params.echo() && (details.connectionId().equals(m.connectionId())
                || (m.connectionId() == null && m.id().startsWith(details.connectionId() + ':')))) {
            return;
        }
        send(m.json());
    }

    private void attached(JsonNode f) {
        Pending p = refs.remove(f.path("ref").asText());
        Channel ch = p == null ? null : channels.get(p.channel());
        if (ch == null || !f.path("ref").asText().equals(ch.ref)) {
            return;
        }
        ch.ref = null;
        ch.state = State.ATTACHED;
        ch.serial = f.path("position").asText();
        boolean resumed = f.path("resumed").asBoolean(false);
        AblyError error = ch.discontinuity;
        ch.discontinuity = null;
        if (f.has("resumed") && !resumed) {
            error = AblyError.of(AblyCode.CHANNEL_CONTINUITY_NOT_GUARANTEED, "continuity lost ("
                    + f.path("reason").asText() + "): delivery starts at channelSerial " + ch.serial);
        }
        if (resumed && presenceToReenter && (ch.modes & AblyProtocol.MODE_PRESENCE) != 0 && !ch.attachedSinceResume) {
            resumed = false; // so that ably-js re-enters its members here (connectionResumed)
            metrics.presenceReentry();
        }
        ch.attachedSinceResume = true;
        int flags = ch.modes | (resumed ? AblyProtocol.RESUMED : 0);
        if ((ch.modes & AblyProtocol.MODE_PRESENCE_SUBSCRIBE) != 0) {
            // The member list follows as SYNC (the session's presence_sync, which comes right after), even
            // when empty: ATTACHED cannot wait for it without holding back the channel's messages.
            presence.watch(p.channel());
            flags |= AblyProtocol.HAS_PRESENCE;
        }
        send(AblyFrames.attached(p.channel(), ch.serial, flags, ch.rewind, error));
    }

    /** The session's presence_sync and presence_event: SYNC and PRESENCE on a channel attached to see them. */
    private void presenceFrame(Out kind, JsonNode f) {
        Channel ch = channels.get(f.path("channel").asText());
        if (ch == null || ch.state != State.ATTACHED || (ch.modes & AblyProtocol.MODE_PRESENCE_SUBSCRIBE) == 0) {
            return;
        }
        if (kind == Out.PRESENCE_SYNC) {
            metrics.sync();
            presence.sync(f).forEach(this::send);
        } else {
            String pm = presence.event(f);
            if (pm != null) {
                send(pm);
            }
        }
    }

    private void reply(JsonNode f) {
        String type = f.path("type").asText();
        Pending p = refs.remove(f.path("ref").asText());
        if (p == null) {
            return;
        }
        if ("ack".equals(type) && p.kind() == Kind.PUBLISH) {
            acks.succeeded(p.entry(), p.index(), f.path("position").asText());
            flushAcks();
        } else if (p.kind() == Kind.PRESENCE || p.kind() == Kind.PRESENCE_LEAVE) {
            acks.succeeded(p.entry(), p.index(), null); // entered, updated, left: presence has no serials
            flushAcks();
        } else if ("unsubscribed".equals(type) && p.kind() == Kind.DETACH) {
            detached(p.channel());
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
        Pending p = ref == null ? null : refs.remove(ref);
        if (p != null) {
            switch (p.kind()) {
                case PUBLISH -> {
                    AblyError a = AblyError.from(e, true);
                    metrics.error(a.code());
                    acks.failed(p.entry(), a);
                    flushAcks();
                }
                case ATTACH -> attachFailed(ref, p.channel(), e);
                case DETACH -> detached(p.channel()); // not subscribed: detached all the same
                case PRESENCE, PRESENCE_LEAVE -> presenceFailed(p, e);
                case IMPLICIT_LEAVE -> { } // the member goes with Chorus's grace period instead
            }
            return;
        }
        if (channel != null) {
            // RTL13a: a subscription that ended is a server-initiated DETACHED: the SDK reattaches at once
            // with its channelSerial, which resumes where delivery stopped.
            Channel ch = channels.get(channel);
            if (ch != null && ch.state == State.ATTACHED) {
                channels.remove(channel);
                presence.unwatch(channel);
                AblyError a = AblyError.from(e, false);
                metrics.error(a.code());
                send(AblyFrames.detached(channel, a));
            }
            return;
        }
        LOG.warn("ably connection {}: session error without a request: {}", details.connectionId(), e.getMessage());
        fatal(AblyError.from(e, false));
    }

    /** A leave of a member that is not there is done (Ably's leave is idempotent); other refusals NACK. */
    private void presenceFailed(Pending p, ChorusException e) {
        if (p.kind() == Kind.PRESENCE_LEAVE && e.code() == ErrorCode.NOT_PRESENT) {
            acks.succeeded(p.entry(), p.index(), null);
        } else {
            if (p.kind() == Kind.PRESENCE) {
                presence.enterFailed(p.channel());
            }
            AblyError a = AblyError.from(e, true);
            metrics.error(a.code());
            acks.failed(p.entry(), a);
        }
        flushAcks();
    }

    private void attachFailed(String ref, String channel, ChorusException e) {
        Channel ch = channels.get(channel);
        if (ch == null || !ref.equals(ch.ref)) {
            return;
        }
        if (e.code() == ErrorCode.INVALID_POSITION && ch.discontinuity == null) {
            // A position of another channel or topic: attach from now on, and say continuity was lost.
            ch.discontinuity = AblyError.of(AblyCode.CHANNEL_CONTINUITY_NOT_GUARANTEED, e.getMessage());
            subscribe(channel, ch, null);
            return;
        }
        channels.remove(channel);
        presence.unwatch(channel);
        channelFailed(channel, AblyError.from(e, false));
    }

    private void detached(String channel) {
        Channel ch = channels.remove(channel);
        presence.unwatch(channel);
        send(AblyFrames.detached(channel, null));
        if (ch != null && ch.attachAfterDetach != null) {
            attach(ch.attachAfterDetach);
        }
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

    /** A channel refused: ERROR (the channel FAILS, RTL14) or, when a retry may succeed, DETACHED (RTL13b). */
    private void channelFailed(String channel, AblyError error) {
        metrics.error(error.code());
        send(error.retry() ? AblyFrames.detached(channel, error) : AblyFrames.error(channel, error));
    }

    private void flushAcks() {
        for (ObjectNode pm : acks.ready()) {
            send(AblyFrames.text(pm));
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
        capabilities = next;
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

    private static String channelOf(JsonNode pm) {
        JsonNode c = pm.get("channel");
        if (c == null || !c.isTextual() || c.textValue().isEmpty() || c.textValue().length() > 1024) {
            throw new AblyRefusal(AblyError.of(AblyCode.PROTOCOL_ERROR, "ATTACH and DETACH need a channel"));
        }
        return c.textValue();
    }

    private static String shorten(String s) {
        return s.length() > 32 ? s.substring(0, 32) + "…" : s;
    }
}
