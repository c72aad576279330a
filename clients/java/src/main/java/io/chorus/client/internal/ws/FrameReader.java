package io.chorus.client.internal.ws;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes a server's frames from a blocking stream, one frame per {@link #readFrame} call, and
 * reassembles fragmented messages. Every violation goes through {@link #violation}: the caller sends
 * its close code back and gives up on the connection. Memory is bounded by {@code maxMessageBytes}: a
 * frame's declared length is checked before a byte of it is buffered.
 */
final class FrameReader {

    /** What a frame completes. Called on the reading thread. */
    interface Handler {
        void onText(String text) throws IOException;

        void onBinary(int length) throws IOException;

        void onPing(byte[] payload) throws IOException;

        void onPong(byte[] payload) throws IOException;

        /** {@code code} is 1005 when the frame had none. */
        void onClose(int code, String reason) throws IOException;
    }

    /** A message buffer that grew past this is let go after the message, so one big message does not pin it. */
    private static final int KEPT_BUFFER_BYTES = 64 << 10;

    private final InputStream in;
    private final int maxMessageBytes;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] message = new byte[4096];
    private int messageLength;
    /** The opcode of the fragmented message in progress, or -1 between messages. */
    private int messageOpcode = -1;

    FrameReader(InputStream in, int maxMessageBytes) {
        this.in = in;
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Reads one frame and hands what it completes to {@code handler}. Returns false when the stream
     * ended cleanly before a frame started; an end inside a frame is an {@link EOFException}.
     */
    boolean readFrame(Handler handler) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return false;
        }
        int b1 = readByte();
        if ((b0 & WsProtocol.RSV) != 0) {
            throw violation(WsProtocol.CLOSE_PROTOCOL_ERROR, "reserved bits set without an extension");
        }
        if ((b1 & WsProtocol.MASK) != 0) {
            throw violation(WsProtocol.CLOSE_PROTOCOL_ERROR, "a masked frame from the server");
        }
        boolean fin = (b0 & WsProtocol.FIN) != 0;
        int opcode = b0 & WsProtocol.OPCODE;
        long length = readLength(b1 & WsProtocol.LENGTH);
        if (WsProtocol.isControl(opcode)) {
            control(opcode, fin, length, handler);
        } else {
            data(opcode, fin, length, handler);
        }
        return true;
    }

    private void control(int opcode, boolean fin, long length, Handler handler) throws IOException {
        if (!fin) {
            throw violation(WsProtocol.CLOSE_PROTOCOL_ERROR, "a fragmented control frame");
        }
        if (length > WsProtocol.MAX_CONTROL_PAYLOAD) {
            throw violation(WsProtocol.CLOSE_PROTOCOL_ERROR, "a control frame of " + length + " bytes");
        }
        byte[] payload = new byte[(int) length];
        readFully(payload, 0, payload.length);
        switch (opcode) {
            case WsProtocol.OP_PING -> handler.onPing(payload);
            case WsProtocol.OP_PONG -> handler.onPong(payload);
            case WsProtocol.OP_CLOSE -> close(payload, handler);
            default -> throw violation(WsProtocol.CLOSE_PROTOCOL_ERROR, "unknown opcode " + opcode);
        }
    }

    private void close(byte[] payload, Handler handler) throws IOException {
        if (payload.length == 0) {
            handler.onClose(WsProtocol.CLOSE_NO_STATUS, "");
            return;
        }
        if (payload.length == 1) {
            throw violation(WsProtocol.CLOSE_PROTOCOL_ERROR, "a close frame with a one-byte code");
        }
        int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        if (!WsProtocol.validOnWire(code)) {
            throw violation(WsProtocol.CLOSE_PROTOCOL_ERROR, "close code " + code + " is not allowed on the wire");
        }
        handler.onClose(code, decode(payload, 2, payload.length - 2));
    }

    private void data(int opcode, boolean fin, long length, Handler handler) throws IOException {
        if (opcode == WsProtocol.OP_CONTINUATION) {
            if (messageOpcode < 0) {
                throw violation(WsProtocol.CLOSE_PROTOCOL_ERROR, "a continuation frame with no message to continue");
            }
        } else if (opcode == WsProtocol.OP_TEXT || opcode == WsProtocol.OP_BINARY) {
            if (messageOpcode >= 0) {
                throw violation(WsProtocol.CLOSE_PROTOCOL_ERROR, "a new message before the last one was finished");
            }
            messageOpcode = opcode;
        } else {
            throw violation(WsProtocol.CLOSE_PROTOCOL_ERROR, "unknown opcode " + opcode);
        }
        if (length > maxMessageBytes - messageLength) {
            throw violation(WsProtocol.CLOSE_TOO_BIG, "a message longer than " + maxMessageBytes + " bytes");
        }
        int n = (int) length;
        if (messageOpcode == WsProtocol.OP_TEXT) {
            ensureCapacity(messageLength + n);
            readFully(message, messageLength, n);
        } else {
            skip(n); // the gateway never sends binary: count it, keep nothing
        }
        messageLength += n;
        if (fin) {
            int kind = messageOpcode;
            int total = messageLength;
            messageOpcode = -1;
            messageLength = 0;
            if (kind == WsProtocol.OP_TEXT) {
                String text = decode(message, 0, total);
                if (message.length > KEPT_BUFFER_BYTES) {
                    message = new byte[4096];
                }
                handler.onText(text);
            } else {
                handler.onBinary(total);
            }
        }
    }

    private long readLength(int first) throws IOException {
        if (first < 126) {
            return first;
        }
        if (first == 126) {
            return ((long) readByte() << 8) | readByte();
        }
        long n = 0;
        for (int i = 0; i < 8; i++) {
            n = (n << 8) | readByte();
        }
        if (n < 0) {
            throw violation(WsProtocol.CLOSE_PROTOCOL_ERROR, "a frame length with the most significant bit set");
        }
        return n;
    }

    private String decode(byte[] bytes, int offset, int length) throws WsProtocolException {
        try {
            return utf8.reset().decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException e) {
            throw violation(WsProtocol.CLOSE_INVALID_DATA, "text that is not valid UTF-8");
        }
    }

    private void ensureCapacity(int needed) {
        if (needed > message.length) {
            int size = (int) Math.min(maxMessageBytes, Math.max(needed, 2L * message.length));
            message = Arrays.copyOf(message, size);
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the connection ended inside a frame");
        }
        return b;
    }

    private void readFully(byte[] into, int offset, int length) throws IOException {
        while (length > 0) {
            int n = in.read(into, offset, length);
            if (n < 0) {
                throw new EOFException("the connection ended inside a frame");
            }
            offset += n;
            length -= n;
        }
    }

    private void skip(int length) throws IOException {
        byte[] scratch = new byte[Math.min(length, 8192)];
        while (length > 0) {
            int n = in.read(scratch, 0, Math.min(length, scratch.length));
            if (n < 0) {
                throw new EOFException("the connection ended inside a frame");
            }
            length -= n;
        }
    }

    private static WsProtocolException violation(int closeCode, String what) {
        String prefix = closeCode == WsProtocol.CLOSE_PROTOCOL_ERROR ? "the server broke the WebSocket protocol: "
                : "the server sent ";
        return new WsProtocolException(closeCode, prefix + what);
    }
}
