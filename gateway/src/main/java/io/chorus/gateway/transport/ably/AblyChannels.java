package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.auth.Capabilities;
import io.chorus.gateway.auth.Operation;
import io.chorus.gateway.session.Out;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.chorus.schema.Position;
import java.util.HashMap;
import java.util.Map;

/**
 * The channels of one Ably connection (RTL): ATTACH becomes the session's {@code subscribe} (with
 * {@code since} from a {@code channelSerial}, or {@code rewind}) and its {@code subscribed} an ATTACHED;
 * DETACH becomes {@code unsubscribe} and its answer a DETACHED; a subscription the session ends is a
 * server DETACHED (RTL13a). Delivery: a message reaches the client only on a channel attached to
 * receive it (RTL17), after the rewind interval and the echo rule; members come as SYNC and PRESENCE on
 * a channel attached with PRESENCE_SUBSCRIBE ({@link AblyPresence}). Which modes a channel gets is the
 * connection's capabilities' call, renewed with its token.
 *
 * <p>Bounds: at most {@code maxChannels} channels (attaching, attached or detaching), so at most as many
 * refs in flight. Touched on the connection's event loop only.
 */
final class AblyChannels {

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

    /** The channel whose {@code subscribe} ({@code detach}: {@code unsubscribe}) a ref belongs to. */
    private record Pending(String channel, boolean detach) {
    }

    private final AblyLink link;
    private final AblyFrames.Details details;
    private final ConnectParams params;
    private final AblyTranslator.Limits limits;
    private final AblyPresence presence;
    private final AblyMetrics metrics;
    /** Replaced by a renewal (AUTH): what the connection's credentials allow now. */
    private Capabilities capabilities;
    private final Map<String, Channel> channels = new HashMap<>();
    private final Map<String, Pending> refs = new HashMap<>();
    private long nextRef;
    /** This socket resumed a connection whose presence entries belonged to the socket it replaced. */
    private boolean presenceToReenter;

    AblyChannels(AblyLink link, AblyFrames.Details details, ConnectParams params, AblyTranslator.Limits limits,
                 Capabilities capabilities, AblyPresence presence, AblyMetrics metrics) {
        this.link = link;
        this.details = details;
        this.params = params;
        this.limits = limits;
        this.capabilities = capabilities;
        this.presence = presence;
        this.metrics = metrics;
    }

    /** See {@link AblyTranslator#connectionResumed}: presence channels attach once without RESUMED. */
    void connectionResumed() {
        presenceToReenter = details.clientId() != null;
    }

    /** New credentials: their capabilities apply to later attaches (RTC8a1). */
    void renewed(Capabilities next) {
        capabilities = next;
    }

    // ---- client → session ----

    /** RTL4: ATTACH. The session subscribes when the granted modes include SUBSCRIBE. */
    void attach(JsonNode pm) {
        String name = nameOf(pm);
        Channel existing = channels.get(name);
        if (existing != null) {
            switch (existing.state) {
                // Still attached here: continuity was never broken (RESUMED).
                case ATTACHED -> link.toClient(AblyFrames.attached(name, existing.serial,
                        existing.modes | AblyProtocol.RESUMED, existing.rewind, null));
                case DETACHING -> existing.attachAfterDetach = pm;
                case ATTACHING -> { } // its ATTACHED is on the way
            }
            return;
        }
        if (channels.size() >= limits.maxChannels()) {
            failed(name, new AblyError(AblyCode.TOO_MANY_CHANNELS, "at most " + limits.maxChannels()
                    + " channels per connection", false));
            return;
        }
        ChannelName channel;
        try {
            channel = ChannelName.parse(name);
        } catch (ChorusException e) {
            failed(name, AblyError.of(AblyCode.INVALID_CHANNEL_NAME, e.getMessage()));
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
                        failed(name, r.error());
                        return;
                    }
                } else if (!"agent".equals(p)) { // RTL4k: a param not honoured must be said, not dropped
                    failed(name, AblyError.unsupported("channel param '" + shorten(p) + "'"));
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
            failed(name, wantsPubSub
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
            link.toClient(AblyFrames.attached(name, serial, granted, null));
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
        refs.put(ch.ref, new Pending(name, false));
        link.toSession(ch.ref, frame);
    }

    /** RTL5: DETACH of the channel {@link #nameOf} read (the caller leaves its member first, RTP5a). */
    void detach(String name) {
        Channel ch = channels.get(name);
        if (ch == null || !AblyPresence.subscribes(ch.modes)) {
            channels.remove(name);
            presence.unwatch(name);
            link.toClient(AblyFrames.detached(name, null));
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
        refs.put(ch.ref, new Pending(name, true));
        link.toSession(ch.ref, MessageCodec.JSON.createObjectNode().put("type", "unsubscribe").put("channel", name));
    }

    // ---- session → client ----

    /** A message of a subscribed channel: MESSAGE, if the channel is attached to receive it. */
    void deliver(MessageCodec.Delivered m) {
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
        link.toClient(m.json());
    }

    /** The session's {@code subscribed} (or {@code resumed}): ATTACHED. */
    void attached(JsonNode f) {
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
        link.toClient(AblyFrames.attached(p.channel(), ch.serial, flags, ch.rewind, error));
    }

    /** The session's presence_sync and presence_event: SYNC and PRESENCE on a channel attached to see them. */
    void presenceFrame(Out kind, JsonNode f) {
        Channel ch = channels.get(f.path("channel").asText());
        if (ch == null || ch.state != State.ATTACHED || (ch.modes & AblyProtocol.MODE_PRESENCE_SUBSCRIBE) == 0) {
            return;
        }
        if (kind == Out.PRESENCE_SYNC) {
            metrics.sync();
            presence.sync(f).forEach(link::toClient);
        } else {
            String pm = presence.event(f);
            if (pm != null) {
                link.toClient(pm);
            }
        }
    }

    /** The session's answer to one of these channels' requests; false when the ref is not one of them. */
    boolean replied(String ref, String type) {
        Pending p = refs.remove(ref);
        if (p == null) {
            return false;
        }
        if ("unsubscribed".equals(type) && p.detach()) {
            detached(p.channel());
        }
        return true;
    }

    /** The session refused one of these channels' requests; false when the ref is not one of them. */
    boolean refused(String ref, ChorusException e) {
        Pending p = refs.remove(ref);
        if (p == null) {
            return false;
        }
        if (p.detach()) {
            detached(p.channel()); // not subscribed: detached all the same
        } else {
            attachFailed(ref, p.channel(), e);
        }
        return true;
    }

    /**
     * RTL13a: a subscription that ended is a server-initiated DETACHED: the SDK reattaches at once with its
     * channelSerial, which resumes where delivery stopped.
     */
    void lost(String channel, ChorusException e) {
        Channel ch = channels.get(channel);
        if (ch != null && ch.state == State.ATTACHED) {
            channels.remove(channel);
            presence.unwatch(channel);
            AblyError a = AblyError.from(e, false);
            metrics.error(a.code());
            link.toClient(AblyFrames.detached(channel, a));
        }
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
        failed(channel, AblyError.from(e, false));
    }

    private void detached(String channel) {
        Channel ch = channels.remove(channel);
        presence.unwatch(channel);
        link.toClient(AblyFrames.detached(channel, null));
        if (ch != null && ch.attachAfterDetach != null) {
            attach(ch.attachAfterDetach);
        }
    }

    /** A channel refused: ERROR (the channel FAILS, RTL14) or, when a retry may succeed, DETACHED (RTL13b). */
    private void failed(String channel, AblyError error) {
        metrics.error(error.code());
        link.toClient(error.retry() ? AblyFrames.detached(channel, error) : AblyFrames.error(channel, error));
    }

    /** The channel an ATTACH or DETACH names, or an {@link AblyRefusal} that fails the connection. */
    static String nameOf(JsonNode pm) {
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
