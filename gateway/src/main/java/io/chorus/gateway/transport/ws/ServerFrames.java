package io.chorus.gateway.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;

/**
 * Server frames as the bytes that go on the wire (RFC 6455, section 5.2):
 *
 * <pre>
 *  byte 0: FIN (0x80) | opcode    byte 1: payload length (a server never masks)
 *          length &lt; 126: that length; 126: a 16-bit length follows; 127: a 64-bit length follows
 * </pre>
 *
 * Since a server frame is not masked, a message's frame is the same bytes for every subscriber. One
 * instance per event loop keeps the last {@link #RECENT} text frames it encoded: a live batch writes
 * a channel's messages to one subscriber after another (all of them to each), so each frame is encoded
 * once per event loop and each socket gets a retained duplicate of it. The instance is touched only on
 * its event loop; other event loops encode their own copy of a message they share.
 */
final class ServerFrames {

    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** A close reason is at most 123 bytes: a control frame carries 125, two of them the code. */
    private static final int MAX_REASON_BYTES = 123;
    private static final ByteBuf EMPTY_PING = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer(new byte[] {(byte) (0x80 | PING), 0}).asReadOnly());

    /**
     * Frames kept: more than the messages of one channel a live task usually carries, so that writing
     * them subscriber by subscriber finds each one encoded. A batch with more encodes again (still
     * correct, as the per-write encoder was).
     */
    static final int RECENT = 16;

    private final Buffer[] payloads = new Buffer[RECENT];
    private final int[] lengths = new int[RECENT];
    private final ByteBuf[] encoded = new ByteBuf[RECENT];
    /** Where the next look-up starts: the slot after the last hit (messages come back in order). */
    private int hint;
    private int next;

    /** The text frame holding {@code payload}, which must not change once sent (every caller's rule). */
    ByteBuf text(Buffer payload) {
        int length = payload.length();
        for (int n = 0, i = hint; n < RECENT; n++, i = (i + 1) % RECENT) {
            // The length too: a buffer sent, then appended to and sent again, is not the same frame.
            if (payloads[i] == payload && lengths[i] == length) {
                hint = (i + 1) % RECENT;
                // The cache keeps its own reference, so the count never reaches zero under a write.
                return encoded[i].retainedDuplicate();
            }
        }
        ByteBuf frame = single(payload);
        int slot = next;
        next = (next + 1) % RECENT;
        if (encoded[slot] != null) {
            encoded[slot].release(); // writes still in flight hold their own references
        }
        payloads[slot] = payload;
        lengths[slot] = length;
        encoded[slot] = frame;
        hint = next;
        return frame.retainedDuplicate();
    }

    /**
     * A text frame for one socket only (a reply, an error, {@code subscribed}): encoded without taking
     * a slot of the cache, which is kept for frames that many sockets share. Direct memory: the epoll
     * transport would otherwise copy a heap frame into a direct buffer for every socket it is written to.
     */
    static ByteBuf single(Buffer payload) {
        int length = payload.length();
        byte[] header = new byte[10];
        int h = writeHeader(header, TEXT, length);
        ByteBuf bytes = ((BufferInternal) payload).getByteBuf();
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(h + length);
        return frame.writeBytes(header, 0, h).writeBytes(bytes, bytes.readerIndex(), length);
    }

    /** An empty ping, shared: each write gets its own reader index. */
    static ByteBuf ping() {
        return EMPTY_PING.duplicate();
    }

    /** A control frame carrying a copy of {@code payload} (at most 125 bytes, checked by the decoder). */
    static ByteBuf control(int opcode, ByteBuf payload) {
        int length = payload.readableBytes();
        byte[] bytes = new byte[headerLength(length) + length];
        int at = writeHeader(bytes, opcode, length);
        payload.getBytes(payload.readerIndex(), bytes, at, length);
        return Unpooled.wrappedBuffer(bytes);
    }

    /** A close frame with a status code and a reason, cut to fit at a character boundary. */
    static ByteBuf close(int code, String reason) {
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, MAX_REASON_BYTES);
        while (n < text.length && n > 0 && (text[n] & 0xC0) == 0x80) {
            n--; // do not cut a UTF-8 sequence in two
        }
        byte[] bytes = new byte[2 + 2 + n];
        int at = writeHeader(bytes, CLOSE, 2 + n);
        bytes[at] = (byte) (code >>> 8);
        bytes[at + 1] = (byte) code;
        System.arraycopy(text, 0, bytes, at + 2, n);
        return Unpooled.wrappedBuffer(bytes);
    }

    /** A close frame without a status code: the answer to a client's close that carried none. */
    static ByteBuf emptyClose() {
        return Unpooled.wrappedBuffer(new byte[] {(byte) (0x80 | CLOSE), 0});
    }

    static int headerLength(int payloadLength) {
        return payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    /** Writes a final frame's header for {@code opcode}; returns where the payload starts. */
    private static int writeHeader(byte[] bytes, int opcode, int length) {
        bytes[0] = (byte) (0x80 | opcode);
        if (length < 126) {
            bytes[1] = (byte) length;
            return 2;
        }
        if (length <= 0xFFFF) {
            bytes[1] = 126;
            bytes[2] = (byte) (length >>> 8);
            bytes[3] = (byte) length;
            return 4;
        }
        bytes[1] = 127;
        for (int i = 0; i < 8; i++) {
            bytes[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
        }
        return 10;
    }
}
