package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Base64;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.jackson.dataformat.MessagePackFactory;
import org.msgpack.value.ValueType;

/**
 * Ably's MessagePack format ({@code format=msgpack}: ably-js's default in Node, ably-java's default),
 * converted at the edge so that the translator keeps speaking JSON trees. The one difference between the
 * two forms is binary data: MessagePack carries a message's bytes as {@code bin} with no {@code base64}
 * step in its {@code encoding} (RSL4c), JSON as base64 text with one. So, inbound, {@code bin} data becomes
 * base64 text with {@code base64} appended to the encoding; outbound, data whose last encoding step is
 * {@code base64} goes out as {@code bin} with that step removed.
 *
 * <p>Bad input: a frame that is not one MessagePack map, nests deeper than {@link #MAX_DEPTH}, holds an
 * extension type or declares a length beyond its end is refused with 80013 (the connection fails, as for
 * bad JSON), checked before anything is built ({@link #validate}); a frame is at most
 * {@code http.maxFrameBytes}, so it costs memory and time in proportion to its size only.
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
        validate(frame);
        JsonNode pm;
        try {
            pm = MSGPACK.readTree(frame);
        } catch (IOException | RuntimeException e) {
            throw malformed("the frame is not MessagePack: " + e.getClass().getSimpleName());
        }
        if (pm == null || !pm.isObject()) {
            throw malformed("a frame must be one MessagePack map (a ProtocolMessage)");
        }
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

    /**
     * Walks the frame's structure before anything is built from it. msgpack-core allocates a string's or
     * binary's declared length before it finds the frame too short: a 5-byte frame declaring 2 GB cost
     * seconds of an event loop and as much memory. Here every declared length and count must fit in the
     * bytes left, nesting stays within {@link #MAX_DEPTH}, extension types are refused, and the frame is
     * exactly one value. Payloads are skipped as references, never copied.
     */
    private static void validate(byte[] frame) {
        int[] left = new int[MAX_DEPTH + 1]; // values still to read at each open level
        int depth = 0;
        left[0] = 1;
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(frame)) {
            while (depth >= 0) {
                if (left[depth] == 0) {
                    depth--;
                    continue;
                }
                left[depth]--;
                if (!u.hasNext()) {
                    throw malformed("the frame ends inside a value");
                }
                ValueType type = u.getNextFormat().getValueType();
                switch (type) {
                    case STRING -> u.readPayloadAsReference(fit(u.unpackRawStringHeader(), 1, frame, u));
                    case BINARY -> u.readPayloadAsReference(fit(u.unpackBinaryHeader(), 1, frame, u));
                    case ARRAY, MAP -> {
                        int n = type == ValueType.ARRAY ? u.unpackArrayHeader() : u.unpackMapHeader();
                        int values = fit(n, type == ValueType.ARRAY ? 1 : 2, frame, u) * (type == ValueType.ARRAY ? 1 : 2);
                        if (depth + 1 > MAX_DEPTH) {
                            throw malformed("the frame nests deeper than " + MAX_DEPTH + " levels");
                        }
                        left[++depth] = values;
                    }
                    case EXTENSION -> throw malformed("MessagePack extension types are not part of Ably's protocol");
                    default -> u.skipValue(); // nil, boolean, integer, float: fixed sizes
                }
            }
            if (u.hasNext()) {
                throw malformed("a frame must be one ProtocolMessage, not several values");
            }
        } catch (IOException | MessagePackException e) {
            throw malformed("the frame is not MessagePack: " + e.getClass().getSimpleName());
        }
    }

    /** {@code n} items of at least {@code bytesEach} bytes must fit in what is left of the frame. */
    private static int fit(int n, int bytesEach, byte[] frame, MessageUnpacker u) {
        long left = frame.length - u.getTotalReadBytes();
        if (n < 0 || (long) n * bytesEach > left) {
            throw malformed("a length in the frame is larger than the frame");
        }
        return n;
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
