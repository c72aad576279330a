package io.chorus.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A client that completes the WebSocket handshake and then never sends anything again, not even
 * the pongs every WebSocket stack sends by itself: what a connection whose other end vanished looks
 * like to the server. It reads the server's frames to learn the close code. Tests of the wire itself
 * also use it to send any frame (ping, close, a bare header) and to watch the socket end.
 */
public final class HalfOpenClient implements AutoCloseable {

    public static final int TEXT = 0x1;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private final Socket socket;
    private final DataInputStream in;
    private final String responseHead;

    public HalfOpenClient(int port, String path) throws IOException {
        this(port, path, "", new byte[0]);
    }

    /**
     * {@code extraHeaders}: more header lines, each ending in CRLF; {@code trailing}: bytes sent in the
     * same write as the request (frames a client sends without waiting for the 101).
     */
    public HalfOpenClient(int port, String path, String extraHeaders, byte[] trailing) throws IOException {
        socket = open(port);
        OutputStream out = socket.getOutputStream();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        request.write(trailing);
        out.write(request.toByteArray());
        out.flush();
        in = new DataInputStream(socket.getInputStream());
        responseHead = readHead(in);
        if (!responseHead.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + responseHead);
        }
    }

    private static Socket open(int port) throws IOException {
        Socket s = new Socket();
        // A small receive buffer, so that a client that stops reading fills up quickly.
        s.setReceiveBufferSize(16 * 1024);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        s.setSoTimeout(20_000);
        return s;
    }

    private static String readHead(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.toString();
    }

    /** Sends {@code request} as it is and returns the HTTP answer: head, then the body that its length says. */
    public static String exchange(int port, String request) throws IOException {
        try (Socket s = open(port)) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(s.getInputStream());
            String head = readHead(in);
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            byte[] body = new byte[length];
            in.readFully(body);
            return head + new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The server's answer to the handshake: status line and headers. */
    public String responseHead() {
        return responseHead;
    }

    /** Sends one masked text frame (clients must mask), e.g. a subscribe, then goes quiet again. */
    public void sendText(String text) throws IOException {
        sendFrame(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one final masked frame of any opcode. */
    public void sendFrame(int opcode, byte[] payload) throws IOException {
        socket.getOutputStream().write(frame(opcode, payload));
        socket.getOutputStream().flush();
    }

    /** A close frame with a code and reason. */
    public void sendClose(int code, String reason) throws IOException {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        sendFrame(CLOSE, payload);
    }

    /** Only the head of a masked frame announcing {@code length} payload bytes, none of which follow. */
    public void sendFrameHead(int opcode, long length) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(0x80 | opcode);
        head.write(0x80 | 127);
        for (int i = 7; i >= 0; i--) {
            head.write((int) (length >>> (8 * i)) & 0xff);
        }
        head.write(new byte[] {1, 2, 3, 4});
        socket.getOutputStream().write(head.toByteArray());
        socket.getOutputStream().flush();
    }

    /** The bytes of one final masked frame. */
    public static byte[] frame(int opcode, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        byte[] mask = {1, 2, 3, 4};
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /** A frame from the server: its first byte (FIN, RSV bits, opcode) and payload. */
    public record Frame(int first, byte[] payload) {
        public int opcode() {
            return first & 0x0f;
        }

        /** A close frame's status code (1005: none), and its reason. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** One frame from the server (servers do not mask). */
    public Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame(b0, payload);
    }

    /** The next frame of this opcode, skipping others. */
    public Frame readFrame(int opcode) throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == opcode) {
                return f;
            }
        }
    }

    /** Reads the next text frame's payload (skipping pings), or null at the server's close frame. */
    public String readText() throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == CLOSE) {
                return null;
            }
            if (f.opcode() == TEXT) {
                return f.text();
            }
        }
    }

    /**
     * The next text frame that is not the server's JSON heartbeat: a connection joins its event loop's
     * heartbeat wheel at any slot, so its first ping may come at any time after {@code connected}.
     */
    public String readReply() throws IOException {
        while (true) {
            String text = readText();
            if (text == null || !text.equals("{\"type\":\"ping\"}")) {
                return text;
            }
        }
    }

    /** Reads frames until the server's close frame; returns its code. */
    public int awaitCloseCode() throws IOException {
        return readFrame(CLOSE).closeCode();
    }

    /** Waits for the server to end the connection (end of stream); fails on a timeout. */
    public void awaitEnd(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        try {
            while (in.read() >= 0) {
                // frames after the close are not expected, but the end of stream is what counts
            }
        } catch (java.net.SocketException e) {
            // a reset ends the connection too
        }
    }

    /** Drops the connection with a TCP reset, without a close frame. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
