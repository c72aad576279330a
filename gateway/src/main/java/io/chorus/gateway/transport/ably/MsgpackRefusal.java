package io.chorus.gateway.transport.ably;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one MessagePack frame Chorus writes: the ERROR that refuses a {@code format=msgpack} connection
 * (ably-js's default in Node), encoded so the SDK can read why instead of failing to decode JSON.
 * Only the types that frame needs (MessagePack spec: fixmap, str 8/16, positive fixint, uint 16/32).
 */
final class MsgpackRefusal {

    private MsgpackRefusal() {
    }

    static byte[] error(AblyError e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + e.message().length());
        out.write(0x82); // {action, error}
        str(out, "action");
        integer(out, AblyProtocol.ERROR);
        str(out, "error");
        out.write(0x83); // {code, statusCode, message}
        str(out, "code");
        integer(out, e.code().code());
        str(out, "statusCode");
        integer(out, e.code().statusCode());
        str(out, "message");
        str(out, e.message());
        return out.toByteArray();
    }

    private static void str(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length < 32) {
            out.write(0xa0 | b.length);
        } else if (b.length < 256) {
            out.write(0xd9);
            out.write(b.length);
        } else {
            int n = Math.min(b.length, 0xffff);
            out.write(0xda);
            out.write(n >>> 8);
            out.write(n & 0xff);
            out.write(b, 0, n);
            return;
        }
        out.write(b, 0, b.length);
    }

    private static void integer(ByteArrayOutputStream out, int v) {
        if (v >= 0 && v < 128) {
            out.write(v);
        } else if (v >= 0 && v <= 0xffff) {
            out.write(0xcd);
            out.write(v >>> 8);
            out.write(v & 0xff);
        } else {
            out.write(0xce);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((v >>> shift) & 0xff);
            }
        }
    }
}
