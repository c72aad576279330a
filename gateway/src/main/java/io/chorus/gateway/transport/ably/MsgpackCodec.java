package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Base64;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * Ably's MessagePack format ({@code format=msgpack}: ably-js's default in Node, ably-java's default),
 * converted at the edge so that the translator keeps speaking JSON trees. The one difference between the
 * two forms is binary data: MessagePack carries a message's bytes as {@code bin} with no {@code base64}
 * step in its {@code encoding} (RSL4c), JSON as base64 text with one. So, inbound, {@code bin} data becomes
 * base64 text with {@code base64} appended to the encoding; outbound, data whose last encoding step is
 * {@code base64} goes out as {@code bin} with that step removed.
 *
 * <p>Bad input: a frame that is not one MessagePack map, nests deeper than {@link #MAX_DEPTH}, or holds
 * an extension type is refused with 80013 (the connection fails, as for bad JSON). Declared lengths
 * larger than the frame fail in msgpack-core before anything is allocated, and a frame is at most
 * {@code http.maxFrameBytes}, so a frame costs memory in proportion to its size only.
 *
 * <p>Encode once: the translator hands every Ably subscriber of an event loop the same MESSAGE text
 * ({@link MessageFrames}), so the last conversion is remembered by identity: one MessagePack encoding
 * per message and event loop. One instance per event loop, touched on it only; one entry, bounded.
 */
final class MsgpackCodec {

    /** Nesting a ProtocolMessage needs is about 5; data is JSON text inside (encoding json), not nesting. */
    static final int MAX_DEPTH = 32;

    private static final ObjectMapper MSGPACK = new ObjectMapper(new MessagePackFactory());

    private String lastJson;
    private byte[] lastBytes;

    /** One client frame as the translator's JSON tree; throws AblyRefusal (80013) when it is not one. */
    static JsonNode decode(byte[] frame) {
        JsonNode pm;
        try {
            pm = MSGPACK.readTree(frame);
        } catch (IOException | RuntimeException e) {
            throw malformed("the frame is not MessagePack: " + e.getClass().getSimpleName());
        }
        if (pm == null || !pm.isObject()) {
            throw malformed("a frame must be one MessagePack map (a ProtocolMessage)");
        }
        check(pm, 0);
        binaryDataToBase64(pm.get("messages"));
        binaryDataToBase64(pm.get("presence"));
        return pm;
    }

    /** One ProtocolMessage (JSON text from the translator) in Ably's MessagePack form. */
    byte[] encode(String json) {
        if (json == lastJson) { // the same MESSAGE for another subscriber of this event loop
            return lastBytes;
        }
        try {
            JsonNode pm = MessageCodec.JSON.readTree(json);
            base64DataToBinary(pm.get("messages"));
            byte[] bytes = MSGPACK.writeValueAsBytes(pm);
            lastJson = json;
            lastBytes = bytes;
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("the translator wrote JSON it cannot read back", e);
        }
    }

    private static void check(JsonNode n, int depth) {
        if (depth > MAX_DEPTH) {
            throw malformed("the frame nests deeper than " + MAX_DEPTH + " levels");
        }
        if (n.isPojo()) { // what jackson-dataformat-msgpack makes of an extension type
            throw malformed("MessagePack extension types are not part of Ably's protocol");
        }
        if (n.isContainerNode()) {
            for (JsonNode child : n) {
                check(child, depth + 1);
            }
        }
    }

    private static void binaryDataToBase64(JsonNode list) {
        if (list == null || !list.isArray()) {
            return;
        }
        for (JsonNode m : list) {
            if (m.isObject() && m.get("data") instanceof BinaryNode bin) {
                ObjectNode msg = (ObjectNode) m;
                JsonNode enc = msg.get("encoding");
                String prior = enc != null && enc.isTextual() && !enc.textValue().isEmpty() ? enc.textValue() + "/" : "";
                msg.put("data", Base64.getEncoder().encodeToString(bin.binaryValue()));
                msg.put("encoding", prior + "base64");
            }
        }
    }

    private static void base64DataToBinary(JsonNode list) {
        if (list == null || !list.isArray()) {
            return;
        }
        for (JsonNode m : list) {
            JsonNode enc = m.get("encoding");
            JsonNode data = m.get("data");
            if (enc == null || !enc.isTextual() || data == null || !data.isTextual()) {
                continue;
            }
            String e = enc.textValue();
            if (!e.equals("base64") && !e.endsWith("/base64")) {
                continue;
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(data.textValue());
            } catch (IllegalArgumentException notBase64) {
                continue; // not ours to fix: sent as the JSON form has it
            }
            ObjectNode msg = (ObjectNode) m;
            msg.put("data", bytes);
            String rest = e.substring(0, Math.max(0, e.length() - "base64".length() - 1));
            if (rest.isEmpty()) {
                msg.remove("encoding");
            } else {
                msg.put("encoding", rest);
            }
        }
    }

    private static AblyRefusal malformed(String why) {
        return new AblyRefusal(AblyError.of(AblyCode.PROTOCOL_ERROR, why));
    }

    /** For tests: the MessagePack form of a tree as-is (no data conversion). */
    static byte[] write(JsonNode tree) throws IOException {
        return MSGPACK.writeValueAsBytes(tree);
    }

    /** For tests: a MessagePack frame as a tree as-is. */
    static JsonNode read(byte[] frame) throws IOException {
        return MSGPACK.readTree(frame);
    }
}
