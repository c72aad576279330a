package io.chorus.bench.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chorus.bench.wire.Payload;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MsgPackTest {

    @Test
    void integersTakeTheirSmallestForm() {
        assertArrayEquals(new byte[] {0x05}, new MsgPack(8).uint(5).bytes());
        assertArrayEquals(new byte[] {(byte) 0xcc, (byte) 200}, new MsgPack(8).uint(200).bytes());
        assertArrayEquals(new byte[] {(byte) 0xcd, 0x01, 0x00}, new MsgPack(8).uint(256).bytes());
        assertArrayEquals(new byte[] {(byte) 0xcf, 0, 0, 0, 0x01, 0, 0, 0, 0}, new MsgPack(16).uint(1L << 32).bytes());
    }

    @Test
    void emitterMessageIsTheThreeElementArrayTheRedisAdapterDecodes() {
        byte[] m = RedisEmitterPublisher.emitterMessage("bench:fanout-0", 1000, 0, 1, 64);
        assertEquals((byte) 0x93, m[0]);
        assertEquals((byte) (0xa0 | 7), m[1]);
        assertEquals("emitter", new String(Arrays.copyOfRange(m, 2, 9), StandardCharsets.US_ASCII));
        assertEquals((byte) 0x83, m[9]);
        // The pad is the same as the JSON payload's, so Socket.IO delivers an object of the same size.
        int pad = Payload.padLength(1000, 0, 1, 64);
        String text = new String(m, StandardCharsets.ISO_8859_1);
        assertEquals(true, text.contains("x".repeat(pad)));
        assertEquals(false, text.contains("x".repeat(pad + 1)));
        assertEquals(true, text.endsWith("rooms\u0091\u00aebench:fanout-0\u00a6except\u0090\u00a5flags\u0080"));
    }
}
