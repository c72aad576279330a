package io.chorus.client.internal.ws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * RFC 6455 constants. A frame:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-------+-+-------------+-------------------------------+
 * |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 * |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 * |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 * | |1|2|3|       |K|             |                               |
 * +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 * |     Extended payload length continued, if payload len == 127  |
 * + - - - - - - - - - - - - - - - +-------------------------------+
 * |                               | Masking-key, if MASK set to 1 |
 * +-------------------------------+-------------------------------+
 * | Masking-key (continued)       |          Payload Data         |
 * +-------------------------------- - - - - - - - - - - - - - - - +
 * </pre>
 *
 * A client masks every frame it sends; a server masks none.
 */
public final class WsProtocol {

    static final int FIN = 0x80;
    static final int RSV = 0x70;
    static final int OPCODE = 0x0f;
    static final int MASK = 0x80;
    static final int LENGTH = 0x7f;

    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xa;

    /** Control frames (close, ping, pong) carry at most this many bytes and are never fragmented. */
    static final int MAX_CONTROL_PAYLOAD = 125;
    /** A close reason must fit in a control frame after the two bytes of the code. */
    static final int MAX_CLOSE_REASON_BYTES = MAX_CONTROL_PAYLOAD - 2;

    public static final int CLOSE_NORMAL = 1000;
    public static final int CLOSE_GOING_AWAY = 1001;
    public static final int CLOSE_PROTOCOL_ERROR = 1002;
    /** Never on the wire: a close frame without a code. */
    public static final int CLOSE_NO_STATUS = 1005;
    /** Never on the wire: the connection ended without a close frame. */
    public static final int CLOSE_ABNORMAL = 1006;
    public static final int CLOSE_INVALID_DATA = 1007;
    public static final int CLOSE_TOO_BIG = 1009;

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WsProtocol() {
    }

    /** The {@code Sec-WebSocket-Accept} a server must answer to {@code key}. */
    static String acceptFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-1", e);
        }
    }

    /** Whether a peer may send this close code (RFC 6455 section 7.4). */
    static boolean validOnWire(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    static boolean isControl(int opcode) {
        return (opcode & 0x8) != 0;
    }
}
