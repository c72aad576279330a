package io.chorus.bench.wire;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark payload: {@code {"t":<send time>,"c":<channel index>,"seq":<per-channel serial>,"pad":"…"}},
 * padded to a fixed size. {@code t} is {@code System.nanoTime()} minus the run's epoch: the publisher
 * and the subscribers share one monotonic clock (the same process, or processes on the same host), so
 * end-to-end latency has no clock skew. Every server delivers the object with its keys in this order
 * and without spaces (Chorus re-emits JSON compactly, Socket.IO uses JSON.stringify, Nchan passes
 * bytes through), which lets {@link #scan} read it from a frame without a JSON parser.
 */
public final class Payload {

    private static final byte[] MARK = "{\"t\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] C = ",\"c\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ = ",\"seq\":".getBytes(StandardCharsets.US_ASCII);

    private Payload() {
    }

    /** The JSON text of one payload, padded so that it is {@code size} bytes long (or the minimum). */
    public static byte[] json(long t, int channel, long seq, int size) {
        String head = "{\"t\":" + t + ",\"c\":" + channel + ",\"seq\":" + seq + ",\"pad\":\"";
        int pad = Math.max(0, size - head.length() - 2);
        StringBuilder sb = new StringBuilder(head.length() + pad + 2).append(head);
        sb.append("x".repeat(pad)).append("\"}");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The pad length {@link #json} uses, for encoders that build the same object another way. */
    public static int padLength(long t, int channel, long seq, int size) {
        int head = ("{\"t\":" + t + ",\"c\":" + channel + ",\"seq\":" + seq + ",\"pad\":\"").length();
        return Math.max(0, size - head - 2);
    }

    /**
     * Finds the payload in {@code frame} from {@code from} and reads it into {@code out} as
     * {@code [t, channel, seq]}. Returns false when the frame holds no (well-formed) payload.
     */
    public static boolean scan(Buffer frame, int from, long[] out) {
        int i = indexOf(frame, MARK, from);
        if (i < 0) {
            return false;
        }
        int p = i + MARK.length;
        long t = 0;
        int start = p;
        for (byte b; p < frame.length() && (b = frame.getByte(p)) >= '0' && b <= '9'; p++) {
            t = t * 10 + (b - '0');
        }
        if (p == start || !at(frame, p, C)) {
            return false;
        }
        p += C.length;
        long c = 0;
        start = p;
        for (byte b; p < frame.length() && (b = frame.getByte(p)) >= '0' && b <= '9'; p++) {
            c = c * 10 + (b - '0');
        }
        if (p == start || !at(frame, p, SEQ)) {
            return false;
        }
        p += SEQ.length;
        long seq = 0;
        start = p;
        for (byte b; p < frame.length() && (b = frame.getByte(p)) >= '0' && b <= '9'; p++) {
            seq = seq * 10 + (b - '0');
        }
        if (p == start) {
            return false;
        }
        out[0] = t;
        out[1] = c;
        out[2] = seq;
        return true;
    }

    static boolean startsWith(Buffer frame, byte[] prefix) {
        return at(frame, 0, prefix);
    }

    static boolean at(Buffer frame, int pos, byte[] s) {
        if (pos < 0 || pos + s.length > frame.length()) {
            return false;
        }
        for (int k = 0; k < s.length; k++) {
            if (frame.getByte(pos + k) != s[k]) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(Buffer frame, byte[] s, int from) {
        int last = frame.length() - s.length;
        byte first = s[0];
        for (int i = Math.max(0, from); i <= last; i++) {
            if (frame.getByte(i) == first && at(frame, i, s)) {
                return i;
            }
        }
        return -1;
    }

    /** The string value of {@code "key":"…"} in a frame, or null. Values here never hold escapes. */
    static String stringField(Buffer frame, byte[] keyColonQuote, int from) {
        int i = indexOf(frame, keyColonQuote, from);
        if (i < 0) {
            return null;
        }
        int s = i + keyColonQuote.length;
        for (int e = s; e < frame.length(); e++) {
            if (frame.getByte(e) == '"') {
                return frame.getString(s, e, "US-ASCII");
            }
        }
        return null;
    }
}
