package io.chorus.bench.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadTest {

    @Test
    void jsonIsPaddedToTheRequestedSize() {
        assertEquals(64, Payload.json(123_456_789L, 3, 42, 64).length);
        assertEquals(1024, Payload.json(123_456_789_012L, 999, 4_000_000, 1024).length);
    }

    @Test
    void scanReadsThePayloadInsideEachServersFrame() {
        String p = new String(Payload.json(987_654_321L, 7, 5, 64), StandardCharsets.US_ASCII);
        long[] out = new long[3];
        String chorus = "{\"type\":\"message\",\"channel\":\"bench:fanout-7\",\"position\":\"AbC-_x.7.8.41\",\"id\":\"AbC-_x.7.8.41\","
                + "\"data\":" + p + ",\"timestamp\":1764284400123}";
        assertTrue(Payload.scan(Buffer.buffer(chorus), 0, out));
        assertArrayEquals(new long[] {987_654_321L, 7, 5}, out);
        assertTrue(Payload.scan(Buffer.buffer("42[\"m\"," + p + "]"), 3, out));
        assertArrayEquals(new long[] {987_654_321L, 7, 5}, out);
        assertTrue(Payload.scan(Buffer.buffer(p), 0, out));
        assertArrayEquals(new long[] {987_654_321L, 7, 5}, out);
    }

    @Test
    void framesWithoutAPayloadAreNotCounted() {
        long[] out = new long[3];
        assertFalse(Payload.scan(Buffer.buffer("{\"type\":\"ping\"}"), 0, out));
        assertFalse(Payload.scan(Buffer.buffer("{\"t\":12,\"x\":1}"), 0, out));
        assertFalse(Payload.scan(Buffer.buffer("{\"t\":"), 0, out));
    }
}
