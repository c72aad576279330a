package io.chorus.gateway.transport.ably;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Ably's MessagePack form to the translator's JSON trees and back, and what bad frames get. */
class MsgpackCodecTest {

    private static final byte[] BYTES = {0, 1, 2, (byte) 0xff, 0x7f};

    @Test
    void binaryDataOfAClientMessageReachesTheTranslatorAsBase64() throws Exception {
        ObjectNode pm = MessageCodec.JSON.createObjectNode().put("action", AblyProtocol.MESSAGE).put("channel", "c:1")
                .put("msgSerial", 0);
        pm.putArray("messages").addObject().put("name", "b").put("data", BYTES);
        pm.withArray("messages").addObject().put("data", BYTES).put("encoding", "utf-8");
        pm.withArray("messages").addObject().put("data", "{\"a\":1}").put("encoding", "json");

        JsonNode in = MsgpackCodec.decode(MsgpackCodec.write(pm));

        JsonNode first = in.get("messages").get(0);
        assertEquals(Base64.getEncoder().encodeToString(BYTES), first.get("data").textValue());
        assertEquals("base64", first.get("encoding").textValue());
        assertEquals("b", first.get("name").textValue());
        assertEquals("utf-8/base64", in.get("messages").get(1).get("encoding").textValue(), "base64 is the last step");
        assertEquals("json", in.get("messages").get(2).get("encoding").textValue(), "text data is left alone");
        assertEquals(0, in.get("msgSerial").intValue());
    }

    @Test
    void base64DataLeavesAsBinaryWithoutItsEncodingStep() throws Exception {
        String json = "{\"action\":15,\"channel\":\"c:1\",\"channelSerial\":\"p\",\"timestamp\":1760000000123,"
                + "\"messages\":[{\"id\":\"i\",\"data\":\"" + Base64.getEncoder().encodeToString(BYTES)
                + "\",\"encoding\":\"base64\"},{\"data\":\"AAE=\",\"encoding\":\"utf-8/base64\"},"
                + "{\"data\":\"[1]\",\"encoding\":\"json\"},{\"data\":\"plain\"}]}";

        JsonNode out = MsgpackCodec.read(new MsgpackCodec().encode(json));

        JsonNode m = out.get("messages");
        assertTrue(m.get(0).get("data").isBinary());
        assertArrayEquals(BYTES, m.get(0).get("data").binaryValue());
        assertFalse(m.get(0).has("encoding"));
        assertArrayEquals(new byte[] {0, 1}, m.get(1).get("data").binaryValue());
        assertEquals("utf-8", m.get(1).get("encoding").textValue());
        assertEquals("[1]", m.get(2).get("data").textValue());
        assertEquals("json", m.get(2).get("encoding").textValue());
        assertEquals("plain", m.get(3).get("data").textValue());
        assertEquals(1760000000123L, out.get("timestamp").longValue(), "numbers stay numbers");
        assertEquals(15, out.get("action").intValue());
    }

    @Test
    void theSameMessageForManySubscribersIsEncodedOnce() {
        MsgpackCodec codec = new MsgpackCodec();
        String message = "{\"action\":15,\"messages\":[{\"data\":\"x\"}]}";
        byte[] first = codec.encode(message);
        assertSame(first, codec.encode(message), "the same text instance: the remembered bytes");
        byte[] other = codec.encode(new String(message)); // equal text, another message
        assertArrayEquals(first, other);
        assertFalse(first == other);
    }

    @Test
    void framesThatAreNotOneProtocolMessageAreProtocolErrors() throws Exception {
        byte[][] bad = {
                {},                                                       // empty
                {(byte) 0xc1},                                            // never used
                {(byte) 0x92, 0x01},                                      // truncated array
                {0x01},                                                   // not a map
                {(byte) 0xdb, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0}, // a 2 GB string in 5 bytes
                {(byte) 0xc6, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0}, // a 2 GB bin in 5 bytes
                {(byte) 0xdf, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0}, // a map of 2 G entries
                {(byte) 0x81, (byte) 0xa1, 'a', (byte) 0xd4, 0x01, 0x02},  // an extension type
                {(byte) 0x80, (byte) 0x80},                               // two values
                nested(1000),
                nested(MsgpackCodec.MAX_DEPTH),
        };
        for (byte[] frame : bad) {
            AblyRefusal r = assertThrows(AblyRefusal.class, () -> MsgpackCodec.decode(frame), Arrays.toString(
                    Arrays.copyOf(frame, Math.min(8, frame.length))));
            assertEquals(AblyCode.PROTOCOL_ERROR, r.error().code());
            assertFalse(r.error().retry());
        }
        MsgpackCodec.decode(nested(MsgpackCodec.MAX_DEPTH - 1)); // the limit is where it says
    }

    /** {"a": [[[ ... 1 ]]]} with {@code depth} levels below the map. */
    private static byte[] nested(int depth) {
        byte[] b = new byte[3 + depth + 1];
        b[0] = (byte) 0x81;
        b[1] = (byte) 0xa1;
        b[2] = 'a';
        Arrays.fill(b, 3, 3 + depth, (byte) 0x91);
        b[b.length - 1] = 0x01;
        return b;
    }
}
