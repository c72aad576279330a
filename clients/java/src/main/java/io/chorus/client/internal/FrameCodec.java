package io.chorus.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.client.Message;
import io.chorus.client.Occupancy;
import io.chorus.client.PresenceEvent;
import io.chorus.client.PresenceMember;
import io.chorus.client.PresenceMembers;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads server frames and writes client frames (PROTOCOL.md, "WebSocket"). Reading is defensive: any
 * frame that is not what the protocol says becomes a {@link ChorusException} with the code the server
 * would use for the same fault from a client ({@code bad_json}, {@code unknown_type},
 * {@code invalid_field}), never a half-filled frame. Unknown fields are ignored, as the protocol asks.
 */
public final class FrameCodec {

    private static final int QUOTE_MAX = 40;

    private final ObjectMapper mapper;

    public FrameCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Frame decode(String text) {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ChorusException(ErrorCode.BAD_JSON, "frame is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ChorusException(ErrorCode.BAD_JSON, "frame is not a JSON object");
        }
        FrameFields f = new FrameFields(root);
        String type = f.text("type");
        return switch (type) {
            case "connected" -> new Frame.Connected(f.optText("connectionId"), f.optText("clientId"),
                    f.optLong("heartbeatMs", 0));
            case "subscribed" -> new Frame.Subscribed(f.text("ref"), f.text("channel"), f.text("position"),
                    f.optBool("resumed"), f.optText("reason"));
            case "unsubscribed" -> new Frame.Unsubscribed(f.text("ref"), f.optText("channel"));
            case "message" -> new Frame.MessageFrame(message(f, root));
            case "ack" -> new Frame.Ack(f.text("ref"), f.text("id"), f.text("position"),
                    Boolean.TRUE.equals(f.optBool("duplicate")));
            case "error" -> error(f);
            case "authed" -> new Frame.Authed(f.text("ref"), f.optText("clientId"), f.optLong("expiresAt", 0));
            case "auth_expiring" -> new Frame.AuthExpiring(f.optLong("expiresAt", 0));
            case "entered", "updated", "left" -> new Frame.PresenceDone(f.text("ref"), type, f.text("channel"));
            case "presence_sync" -> new Frame.PresenceSync(members(f, root));
            case "presence" -> new Frame.PresenceReply(f.text("ref"), members(f, root));
            case "presence_event" -> presenceEvent(f, root);
            case "occupancy" -> occupancy(f);
            case "ping" -> new Frame.Ping(f.optText("ref"));
            case "pong" -> new Frame.Pong(f.optText("ref"));
            default -> throw new ChorusException(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + quote(type) + "'");
        };
    }

    private static Message message(FrameFields f, JsonNode root) {
        String position = f.text("position");
        String id = f.optText("id");
        JsonNode data = root.get("data");
        String encoding = f.optText("encoding");
        if (encoding != null && (!Message.BASE64.equals(encoding) || data == null || !data.isTextual())) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "message has an unknown encoding or non-text base64 data");
        }
        return new Message(f.text("channel"), position, id == null ? position : id, f.optText("name"),
                data == null ? NullNode.getInstance() : data, encoding, f.optLong("timestamp", 0));
    }

    private static PresenceMembers members(FrameFields f, JsonNode root) {
        JsonNode list = root.get("members");
        if (list == null || !list.isArray()) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "frame '" + f.text("type") + "': members is not a list");
        }
        List<PresenceMember> members = new ArrayList<>(list.size());
        for (JsonNode m : list) {
            members.add(member(m));
        }
        Boolean complete = f.optBool("complete");
        return new PresenceMembers(f.text("channel"), members, f.optLong("count", members.size()),
                complete == null || complete);
    }

    private static Frame.PresenceChange presenceEvent(FrameFields f, JsonNode root) {
        PresenceEvent.Action action = switch (f.text("action")) {
            case "enter" -> PresenceEvent.Action.ENTER;
            case "update" -> PresenceEvent.Action.UPDATE;
            case "leave" -> PresenceEvent.Action.LEAVE;
            default -> throw new ChorusException(ErrorCode.INVALID_FIELD,
                    "presence_event with an unknown action '" + quote(f.text("action")) + "'");
        };
        return new Frame.PresenceChange(f.text("channel"), action, member(root.get("member")));
    }

    private static PresenceMember member(JsonNode m) {
        if (m == null || !m.isObject()) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "a presence member is not an object");
        }
        FrameFields f = new FrameFields(m);
        JsonNode data = m.get("data");
        return new PresenceMember(f.text("clientId"), data == null ? NullNode.getInstance() : data,
                f.optLong("updatedAt", 0));
    }

    /** With a ref, the answer to a request; without, an event of a subscription with occupancy:true. */
    private static Frame occupancy(FrameFields f) {
        Occupancy o = new Occupancy(f.text("channel"), f.optLong("subscribers", 0), f.optLong("members", 0));
        String ref = f.optText("ref");
        return ref == null ? new Frame.OccupancyEvent(o) : new Frame.OccupancyReply(ref, o);
    }

    private static Frame.Error error(FrameFields f) {
        long code = f.optLong("code", 0);
        String wireName = f.optText("error");
        ErrorCode known = wireName == null ? null : ErrorCode.byWireName(wireName);
        Boolean retryable = f.optBool("retryable");
        // The frame's flag wins: the server knows best whether this very request can succeed later.
        boolean retry = retryable != null ? retryable : known != null && known.retryable();
        String message = f.optText("message");
        long retryAfter = Math.max(0, f.optLong("retryAfterMs", 0));
        return new Frame.Error(f.optText("ref"), f.optText("channel"), (int) code, wireName,
                message == null ? "" : message, retry, retryAfter);
    }

    public String subscribe(String ref, String channel, String since, int rewind, boolean presence,
                            boolean occupancy) {
        ObjectNode n = frame("subscribe", ref).put("channel", channel);
        if (since != null) {
            n.put("since", since);
        } else if (rewind > 0) {
            n.put("rewind", rewind);
        }
        if (presence) {
            n.put("presence", true);
        }
        if (occupancy) {
            n.put("occupancy", true);
        }
        return n.toString();
    }

    /** {@code type}: {@code enter} or {@code update}; {@code data} null for none. */
    public String presenceChange(String type, String ref, String channel, JsonNode data) {
        ObjectNode n = frame(type, ref).put("channel", channel);
        if (data != null) {
            n.set("data", data);
        }
        return n.toString();
    }

    /** {@code type}: {@code leave}, {@code presence} or {@code occupancy}: a ref and a channel. */
    public String channelRequest(String type, String ref, String channel) {
        return frame(type, ref).put("channel", channel).toString();
    }

    public String unsubscribe(String ref, String channel) {
        return frame("unsubscribe", ref).put("channel", channel).toString();
    }

    /** {@code retry} marks a resend, so the gateway searches the channel's dedup window for the id. */
    public String publish(String ref, PublishRequest request, boolean retry) {
        ObjectNode n = frame("publish", ref).put("channel", request.channel()).put("id", request.id());
        if (request.name() != null) {
            n.put("name", request.name());
        }
        n.set("data", request.data());
        if (retry) {
            n.put("retry", true);
        }
        return n.toString();
    }

    public String auth(String ref, String token) {
        return frame("auth", ref).put("token", token).toString();
    }

    public String pong() {
        return "{\"type\":\"pong\"}";
    }

    private ObjectNode frame(String type, String ref) {
        return mapper.createObjectNode().put("type", type).put("ref", ref);
    }

    /** Frame text comes from the network: quote only a bounded, printable prefix of it in messages. */
    static String quote(String s) {
        String head = s.length() > QUOTE_MAX ? s.substring(0, QUOTE_MAX) + "..." : s;
        return head.replaceAll("\\p{Cntrl}", "?");
    }
}
