package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.auth.Capabilities;
import io.chorus.gateway.auth.Operation;
import io.chorus.schema.ChannelName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ably presence (RTP) on one connection, as Chorus presence (PROTOCOL.md, "Presence and occupancy"):
 * PRESENCE enter/update/leave become the session's {@code enter}/{@code update}/{@code leave}; the
 * session's {@code presence_sync} becomes a SYNC sequence and each {@code presence_event} a PRESENCE.
 *
 * <p>A Chorus member is a client id (several connections of one client id are one member), so each
 * member is shown to ably-js under one connection id: this connection's own id for its own client id
 * when this connection entered it (so ably-js counts it among its own members and re-enters it after a
 * reattach, RTP17), else {@link #MEMBERS_CONNECTION}. A member keeps the connection id it was first shown
 * with until it leaves, so ably-js's map (keyed by clientId and connectionId) never holds it twice.
 * Ordering (RTP2b): ids under {@link #MEMBERS_CONNECTION} do not start with it, so ably-js compares
 * their timestamps, which never go back on a channel; own ids are {@code connectionId:msgSerial:n} with n
 * increasing. Touched on the connection's event loop only; at most {@code 2 × maxChannels} channels
 * (attached with presence_subscribe, or entered).
 */
final class AblyPresence {

    /** The connection id under which ably-js sees every member that is not this connection's own (RTP2). */
    static final String MEMBERS_CONNECTION = "chorus-members";
    /** Members per SYNC ProtocolMessage: at most {@code presence.maxMembers} (default 1000) in all. */
    static final int SYNC_PAGE = 100;

    // TP2: presence actions on the wire.
    static final int PRESENT = 1;
    static final int ENTER = 2;
    static final int LEAVE = 3;
    static final int UPDATE = 4;

    /** The channel modes Chorus grants (TR3, RTL4l). */
    static final int SUPPORTED_MODES = AblyProtocol.MODE_SUBSCRIBE | AblyProtocol.MODE_PUBLISH | AblyProtocol.MODE_PRESENCE
            | AblyProtocol.MODE_PRESENCE_SUBSCRIBE;

    /**
     * The presence modes granted of those asked: PRESENCE (enter) needs the {@code presence} operation;
     * PRESENCE_SUBSCRIBE needs it too (Chorus's rule for reading members) and {@code subscribe} (Ably's,
     * and the session watches members through a subscription).
     */
    static int grantedModes(int requested, Capabilities caps, ChannelName channel) {
        if (!caps.allows(channel, Operation.PRESENCE)) {
            return 0;
        }
        int granted = requested & AblyProtocol.MODE_PRESENCE;
        if ((requested & AblyProtocol.MODE_PRESENCE_SUBSCRIBE) != 0 && caps.allows(channel, Operation.SUBSCRIBE)) {
            granted |= AblyProtocol.MODE_PRESENCE_SUBSCRIBE;
        }
        return granted;
    }

    /** Whether the channel needs the session's subscription: messages, or members to watch. */
    static boolean subscribes(int modes) {
        return (modes & (AblyProtocol.MODE_SUBSCRIBE | AblyProtocol.MODE_PRESENCE_SUBSCRIBE)) != 0;
    }

    private static final class State {
        /** This connection entered the channel (a leave was not sent since). */
        boolean mine;
        /** ably-js is attached with presence_subscribe: it gets SYNC and PRESENCE. */
        boolean watching;
        /** The connection id the own client id is shown under while present; null while not shown. */
        String ownKey;
        long ownSerial;
        long ownSeq;
        long seq;
        long lastTs;
        int syncs;
    }

    /** One Chorus request for the session: enter, update or leave. */
    record Request(int action, ObjectNode frame) {
    }

    private final String connectionId;
    private final String clientId;
    private final int maxChannels;
    private final Map<String, State> channels = new HashMap<>();

    AblyPresence(String connectionId, String clientId, int maxChannels) {
        this.connectionId = connectionId;
        this.clientId = clientId;
        this.maxChannels = maxChannels;
    }

    // ---- client → session ----

    /**
     * The session requests for a PRESENCE ProtocolMessage's messages (RTP8, RTP9, RTP10), or an
     * {@link AblyRefusal}: no clientId (91000), another client's (40012: Chorus enters a connection as
     * its own client id only), an action other than enter/update/leave, binary or encrypted data.
     */
    List<Request> requests(String channel, JsonNode list, long msgSerial) {
        if (clientId == null) {
            throw new AblyRefusal(AblyError.of(AblyCode.UNABLE_TO_ENTER_PRESENCE_CHANNEL_NO_CLIENTID,
                    "this connection has no clientId, so it cannot enter presence (connect with a clientId)"));
        }
        List<Request> out = new ArrayList<>(list.size());
        for (JsonNode m : list) {
            if (!m.isObject()) {
                throw refuse(AblyCode.BAD_REQUEST, "a presence message must be an object");
            }
            int action = m.path("action").asInt(-1);
            String type = switch (m.path("action").isInt() ? action : -1) {
                case ENTER -> "enter";
                case UPDATE -> "update";
                case LEAVE -> "leave";
                default -> throw refuse(AblyCode.BAD_REQUEST, "a presence action must be enter, update or leave");
            };
            JsonNode who = m.get("clientId");
            if (who != null && !who.isNull() && !(who.isTextual() && who.textValue().equals(clientId))) {
                throw refuse(AblyCode.INVALID_CLIENT_ID, "Chorus enters a connection as its own clientId (" + clientId
                        + ") only: enterClient, updateClient and leaveClient for others are not supported");
            }
            if (m.hasNonNull("extras") && !m.get("extras").isEmpty()) {
                throw new AblyRefusal(AblyError.unsupported("presence extras"));
            }
            ObjectNode frame = MessageCodec.JSON.createObjectNode().put("type", type).put("channel", channel);
            if (action != LEAVE) {
                frame.set("data", data(m));
            }
            out.add(new Request(action, frame));
        }
        State s = channels.get(channel);
        if (s == null) {
            if (channels.size() >= 2 * maxChannels) {
                throw refuse(AblyCode.TOO_MANY_CHANNELS, "presence on at most " + maxChannels + " channels");
            }
            s = new State();
            channels.put(channel, s);
        }
        for (Request r : out) {
            s.mine = r.action() != LEAVE;
        }
        s.ownSerial = msgSerial;
        forgetIfIdle(channel, s);
        return out;
    }

    /** Member data as Chorus keeps it: a JSON value (a string stays a string; encoding json is parsed). */
    private static JsonNode data(JsonNode m) {
        JsonNode data = m.get("data");
        if (data == null || data.isNull()) {
            return NullNode.instance;
        }
        String encoding = m.path("encoding").asText("");
        if (encoding.isEmpty()) {
            return data;
        }
        if (!"json".equals(encoding)) {
            throw new AblyRefusal(AblyError.unsupported("presence data with encoding '" + shorten(encoding)
                    + "' (binary or encrypted)"));
        }
        try {
            return MessageCodec.JSON.readTree(data.asText());
        } catch (IOException e) {
            throw refuse(AblyCode.INVALID_DATA_OR_ENCODING, "presence data with encoding json is not JSON");
        }
    }

    /** An enter the session refused: if ably-js never saw the member as this connection's, it is not ours. */
    void enterFailed(String channel) {
        State s = channels.get(channel);
        if (s != null && s.ownKey == null) {
            s.mine = false;
            forgetIfIdle(channel, s);
        }
    }

    /**
     * The channels this connection entered, as it detaches one (null: all, the connection closes):
     * Ably leaves a connection's members at once then (RTP5a), while Chorus would keep them for its
     * grace period. Returns the leave frames to send; the members count as left from now on.
     */
    List<ObjectNode> leaveAll(String only) {
        List<ObjectNode> out = new ArrayList<>();
        for (Map.Entry<String, State> e : List.copyOf(channels.entrySet())) {
            if ((only == null || only.equals(e.getKey())) && e.getValue().mine) {
                e.getValue().mine = false;
                out.add(MessageCodec.JSON.createObjectNode().put("type", "leave").put("channel", e.getKey()));
                forgetIfIdle(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    // ---- session → client ----

    /** The channel is attached with presence_subscribe: a SYNC follows (ATTACHED says HAS_PRESENCE). */
    void watch(String channel) {
        State s = channels.get(channel);
        if (s == null) {
            s = new State();
            channels.put(channel, s); // bounded: one per attached channel, at most maxChannels
        }
        s.watching = true;
    }

    /** The channel detached or failed: no more SYNC or PRESENCE for it. */
    void unwatch(String channel) {
        State s = channels.get(channel);
        if (s != null) {
            s.watching = false;
            forgetIfIdle(channel, s);
        }
    }

    /**
     * A {@code presence_sync} as SYNC ProtocolMessages (RTP18): pages of {@link #SYNC_PAGE} members whose
     * {@code channelSerial} is {@code syncId:cursor}, the last with an empty cursor, which ends the sync.
     * A channel over {@code presence.maxMembers} (Chorus offers its count only) syncs as empty.
     */
    List<String> sync(JsonNode f) {
        String channel = f.path("channel").asText();
        State s = channels.get(channel);
        if (s == null || !s.watching) {
            return List.of();
        }
        s.ownKey = null; // shown afresh: a sync replaces what ably-js had (RTP19)
        String syncId = "s" + (++s.syncs);
        JsonNode members = f.path("members");
        List<String> out = new ArrayList<>();
        int n = members.size();
        int page = 0;
        do {
            ObjectNode pm = MessageCodec.JSON.createObjectNode().put("action", AblyProtocol.SYNC).put("channel", channel);
            int from = page * SYNC_PAGE;
            int to = Math.min(n, from + SYNC_PAGE);
            page++;
            pm.put("channelSerial", syncId + ":" + (to < n ? Integer.toString(page) : ""));
            ArrayNode list = pm.putArray("presence"); // present even when empty: ably-js ends the sync on it
            for (int i = from; i < to; i++) {
                JsonNode m = members.get(i);
                long ts = m.path("updatedAt").asLong();
                s.lastTs = Math.max(s.lastTs, ts);
                list.add(member(s, PRESENT, m, ts));
            }
            out.add(AblyFrames.text(pm));
        } while (page * SYNC_PAGE < n);
        return out;
    }

    /** A {@code presence_event} as a PRESENCE ProtocolMessage (RTP2), or null when not watched. */
    String event(JsonNode f) {
        String channel = f.path("channel").asText();
        State s = channels.get(channel);
        if (s == null || !s.watching) {
            return null;
        }
        int action = switch (f.path("action").asText()) {
            case "enter" -> ENTER;
            case "update" -> UPDATE;
            case "leave" -> LEAVE;
            default -> -1;
        };
        if (action < 0) {
            return null;
        }
        JsonNode m = f.path("member");
        // Never earlier than what ably-js holds for the member, so it never takes the event for a stale one.
        long ts = Math.max(m.path("updatedAt").asLong(), s.lastTs);
        s.lastTs = ts;
        ObjectNode pm = MessageCodec.JSON.createObjectNode().put("action", AblyProtocol.PRESENCE).put("channel", channel);
        pm.putArray("presence").add(member(s, action, m, ts));
        return AblyFrames.text(pm);
    }

    private ObjectNode member(State s, int action, JsonNode m, long ts) {
        String who = m.path("clientId").asText();
        boolean own = false;
        if (who.equals(clientId)) {
            if (s.ownKey == null) {
                s.ownKey = s.mine ? connectionId : MEMBERS_CONNECTION;
            }
            own = s.ownKey.equals(connectionId);
            if (action == LEAVE) {
                s.ownKey = null;
            }
        }
        ObjectNode p = MessageCodec.JSON.createObjectNode()
                .put("id", own ? connectionId + ":" + s.ownSerial + ":" + (++s.ownSeq) : "p:" + (++s.seq))
                .put("action", action).put("clientId", who)
                .put("connectionId", own ? connectionId : MEMBERS_CONNECTION).put("timestamp", ts);
        JsonNode data = m.get("data");
        if (data != null && data.isTextual()) {
            p.put("data", data.textValue());
        } else if (data != null && !data.isNull() && !data.isMissingNode()) {
            p.put("data", data.toString()).put("encoding", "json");
        }
        return p;
    }

    private void forgetIfIdle(String channel, State s) {
        if (!s.mine && !s.watching) {
            channels.remove(channel);
        }
    }

    int channels() {
        return channels.size();
    }

    private static AblyRefusal refuse(AblyCode code, String message) {
        return new AblyRefusal(AblyError.of(code, message));
    }

    private static String shorten(String s) {
        return s.length() > 32 ? s.substring(0, 32) + "…" : s;
    }
}
