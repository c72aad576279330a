package io.chorus.bench.publish;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The few MessagePack forms the Socket.IO emitter message needs (strings, ints, arrays, maps). */
final class MsgPack {

    private final ByteArrayOutputStream out;

    MsgPack(int capacity) {
        out = new ByteArrayOutputStream(capacity);
    }

    MsgPack array(int n) {
        return header(n, 0x90, 0xdc);
    }

    MsgPack map(int n) {
        return header(n, 0x80, 0xde);
    }

    private MsgPack header(int n, int fix, int sixteen) {
        if (n < 16) {
            out.write(fix | n);
        } else {
            out.write(sixteen);
            out.write(n >>> 8);
            out.write(n);
        }
        return this;
    }

    MsgPack str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = b.length;
        if (n < 32) {
            out.write(0xa0 | n);
        } else if (n < 256) {
            out.write(0xd9);
            out.write(n);
        } else if (n < 65536) {
            out.write(0xda);
            out.write(n >>> 8);
            out.write(n);
        } else {
            out.write(0xdb);
            be(n, 4);
        }
        out.write(b, 0, n);
        return this;
    }

    /** A non-negative integer in its smallest form. */
    MsgPack uint(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative: " + v);
        }
        if (v < 128) {
            out.write((int) v);
        } else if (v < 256) {
            out.write(0xcc);
            out.write((int) v);
        } else if (v < 65536) {
            out.write(0xcd);
            be(v, 2);
        } else if (v < (1L << 32)) {
            out.write(0xce);
            be(v, 4);
        } else {
            out.write(0xcf);
            be(v, 8);
        }
        return this;
    }

    private void be(long v, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
