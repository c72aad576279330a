package io.chorus.client.internal.ws;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Random;

/**
 * Encodes the client's frames: always final (the client never fragments), always masked with a fresh
 * key, as RFC 6455 requires of a client so that a proxy cannot be fooled into caching forged bytes.
 * No I/O and no state beyond the random source: {@link WebSocket} writes the bytes.
 */
final class FrameWriter {

    private static final Random KEYS = new SecureRandom();

    private FrameWriter() {
    }

    static byte[] text(String text) {
        return frame(WsProtocol.OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] pong(byte[] payload) {
        return frame(WsProtocol.OP_PONG, payload);
    }

    /** {@code code} 1005 sends an empty close (an answer to a close that had no code). */
    static byte[] close(int code, String reason) {
        if (code == WsProtocol.CLOSE_NO_STATUS) {
            return frame(WsProtocol.OP_CLOSE, new byte[0]);
        }
        byte[] why = truncatedUtf8(reason == null ? "" : reason, WsProtocol.MAX_CLOSE_REASON_BYTES);
        ByteBuffer payload = ByteBuffer.allocate(2 + why.length).putShort((short) code).put(why);
        return frame(WsProtocol.OP_CLOSE, payload.array());
    }

    static byte[] frame(int opcode, byte[] payload) {
        return frame(opcode, payload, KEYS);
    }

    static byte[] frame(int opcode, byte[] payload, Random keys) {
        int n = payload.length;
        int lengthBytes = n <= 125 ? 0 : n <= 0xffff ? 2 : 8;
        ByteBuffer out = ByteBuffer.allocate(2 + lengthBytes + 4 + n);
        out.put((byte) (WsProtocol.FIN | opcode));
        if (lengthBytes == 0) {
            out.put((byte) (WsProtocol.MASK | n));
        } else if (lengthBytes == 2) {
            out.put((byte) (WsProtocol.MASK | 126)).putShort((short) n);
        } else {
            out.put((byte) (WsProtocol.MASK | 127)).putLong(n);
        }
        byte[] key = new byte[4];
        keys.nextBytes(key);
        out.put(key);
        for (int i = 0; i < n; i++) {
            out.put((byte) (payload[i] ^ key[i & 3]));
        }
        return out.array();
    }

    /** At most {@code max} bytes of {@code s}'s UTF-8, cut between characters, never inside one. */
    static byte[] truncatedUtf8(String s, int max) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
        ByteBuffer out = ByteBuffer.allocate(max);
        CoderResult r = encoder.encode(CharBuffer.wrap(s), out, true);
        if (!r.isOverflow()) {
            encoder.flush(out);
        }
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }
}
