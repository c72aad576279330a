package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Ably messages (TM2) to Chorus publishes and Chorus messages to Ably messages. Data maps as ABLY.md
 * says: an Ably string stays a string; {@code encoding: "json"} (RSL4d3: how ably-js sends objects and
 * arrays) becomes the JSON value itself, so Chorus clients and backends see the object; {@code base64}
 * (RSL4d2, binary) stays bytes. Back to Ably, a JSON value that is not a string goes out with
 * {@code encoding: "json"} and bytes with {@code base64}, which ably-js decodes (RSL6a).
 */
final class MessageCodec {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-:.@/=+]{1,128}");

    private MessageCodec() {
    }

    /** Who publishes: the connection's client id, or null when it did not identify (CD2a). */
    record Publisher(String clientId) {
    }

    /**
     * The Chorus {@code publish} frame for message {@code msg} (without its ref). A message without an id
     * gets {@code defaultId} ({@code connectionId:msgSerial:index}, TM2a); one with a client-supplied id is
     * marked {@code retry} so that the gateway looks for it among the channel's recent records and a
     * republished id yields one message (Ably's idempotent publishing, RSL1k).
     */
    static ObjectNode toPublish(JsonNode msg, String channel, String defaultId, Publisher who) {
        if (!msg.isObject()) {
            throw refuse(AblyCode.INVALID_DATA_OR_ENCODING, "a message must be an object");
        }
        JsonNode action = msg.get("action");
        if (action != null && !action.isNull() && !(action.isInt() && action.intValue() == AblyProtocol.MESSAGE_CREATE)) {
            throw new AblyRefusal(AblyError.unsupported("message action " + action + " (updates, deletes, appends)"));
        }
        if (present(msg, "extras")) {
            throw new AblyRefusal(AblyError.unsupported("message extras"));
        }
        if (present(msg, "connectionKey")) {
            throw new AblyRefusal(AblyError.unsupported("publishing on behalf of a connection (connectionKey)"));
        }
        String clientId = text(msg, "clientId", AblyCode.INVALID_CLIENT_ID);
        if (clientId != null && !clientId.equals(who.clientId())) {
            throw refuse(AblyCode.INVALID_CLIENT_ID, who.clientId() == null
                    ? "this connection has no clientId, so its messages may not name one"
                    : "a message's clientId must be the connection's (" + who.clientId() + ")");
        }
        ObjectNode out = JSON.createObjectNode().put("type", "publish").put("channel", channel);
        String id = text(msg, "id", AblyCode.INVALID_CLIENT_SPECIFIED_MESSAGE_ID);
        if (id != null) {
            if (!ID.matcher(id).matches()) {
                throw refuse(AblyCode.INVALID_CLIENT_SPECIFIED_MESSAGE_ID,
                        "a message id must be 1 to 128 characters of [A-Za-z0-9_-:.@/=+]");
            }
            out.put("id", id).put("retry", true);
        } else {
            out.put("id", defaultId);
        }
        String name = text(msg, "name", AblyCode.INVALID_MESSAGE_NAME);
        if (name != null && !name.isEmpty()) {
            if (name.getBytes(StandardCharsets.UTF_8).length > 128 || name.chars().anyMatch(c -> c < 0x20)) {
                throw refuse(AblyCode.INVALID_MESSAGE_NAME, "a name must be at most 128 bytes without control characters");
            }
            out.put("name", name);
        }
        putData(out, msg.get("data"), text(msg, "encoding", AblyCode.INVALID_DATA_OR_ENCODING));
        return out;
    }

    private static void putData(ObjectNode out, JsonNode data, String encoding) {
        if (data == null || data.isNull()) {
            out.putNull("data");
            return;
        }
        if (encoding == null || encoding.isEmpty()) {
            out.set("data", data); // a string, or JSON an SDK sent without encoding it
            return;
        }
        if (!data.isTextual()) {
            throw refuse(AblyCode.INVALID_DATA_OR_ENCODING, "with encoding '" + encoding + "', data must be a string");
        }
        switch (encoding) {
            case "json" -> {
                try {
                    out.set("data", JSON.readTree(data.textValue()));
                } catch (IOException e) {
                    throw refuse(AblyCode.INVALID_DATA_OR_ENCODING, "data with encoding json is not JSON");
                }
            }
            case "base64" -> {
                try {
                    Base64.getDecoder().decode(data.textValue());
                } catch (IllegalArgumentException e) {
                    throw refuse(AblyCode.INVALID_DATA_OR_ENCODING, "data with encoding base64 is not base64");
                }
                out.put("data", data.textValue()).put("encoding", "base64");
            }
            default -> throw new AblyRefusal(AblyError.unsupported("message encoding '" + encoding
                    + "' (encrypted channels, deltas)"));
        }
    }

    /**
     * A Chorus {@code message} frame as read for translation; {@code connectionId} is the publisher's
     * (null for a backend's record), {@code timestamp} the record time (for rewind by time).
     */
    record Delivered(String channel, String position, String id, long timestamp, String connectionId, String json) {
    }

    /**
     * The MESSAGE ProtocolMessage for a Chorus {@code message} frame: one message whose {@code serial}
     * (TM2r) is the Chorus position, as is the ProtocolMessage's {@code channelSerial} (RTL15b), so that
     * an ATTACH with it (RTL4c1) resumes the channel right after it. The publisher's {@code clientId} and
     * {@code connectionId} (TM2b, TM2c) come from the frame when a client published through a gateway.
     */
    static Delivered fromChorus(byte[] frame) throws IOException {
        JsonNode m = JSON.readTree(frame);
        String channel = m.path("channel").asText();
        String position = m.path("position").asText();
        long timestamp = m.path("timestamp").asLong();
        ObjectNode pm = JSON.createObjectNode().put("action", AblyProtocol.MESSAGE).put("channel", channel)
                .put("channelSerial", position).put("timestamp", timestamp);
        ObjectNode msg = pm.putArray("messages").addObject().put("id", m.path("id").asText());
        if (m.hasNonNull("name")) {
            msg.put("name", m.get("name").asText());
        }
        String connectionId = m.path("connectionId").isTextual() ? m.get("connectionId").textValue() : null;
        // An unidentified publisher's Chorus client id is its connection id: not a clientId to Ably (CD2a).
        if (m.path("clientId").isTextual() && !m.get("clientId").textValue().equals(connectionId)) {
            msg.put("clientId", m.get("clientId").textValue());
        }
        if (connectionId != null) {
            msg.put("connectionId", connectionId);
        }
        JsonNode data = m.get("data");
        if ("base64".equals(m.path("encoding").asText(null))) {
            msg.put("data", data.asText()).put("encoding", "base64");
        } else if (data != null && data.isTextual()) {
            msg.put("data", data.textValue());
        } else if (data != null && !data.isNull()) {
            msg.put("data", JSON.writeValueAsString(data)).put("encoding", "json");
        }
        msg.put("timestamp", timestamp).put("serial", position).put("action", AblyProtocol.MESSAGE_CREATE);
        return new Delivered(channel, position, msg.get("id").asText(), timestamp, connectionId,
                JSON.writeValueAsString(pm));
    }

    private static boolean present(JsonNode msg, String field) {
        JsonNode n = msg.get(field);
        return n != null && !n.isNull() && !(n.isObject() && n.isEmpty());
    }

    private static String text(JsonNode msg, String field, AblyCode code) {
        JsonNode n = msg.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw refuse(code, field + " must be a string");
        }
        return n.textValue();
    }

    private static AblyRefusal refuse(AblyCode code, String message) {
        return new AblyRefusal(AblyError.of(code, message));
    }
}
