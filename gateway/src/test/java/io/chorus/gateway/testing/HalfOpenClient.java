package io.chorus.gateway.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A client that completes the WebSocket handshake and then never sends anything again, not even
 * the pongs every WebSocket stack sends by itself: what a connection whose other end vanished looks
 * like to the server. It reads the server's frames to learn the close code.
 */
public final class HalfOpenClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;

    public HalfOpenClient(int port, String path) throws IOException {
        socket = new Socket();
        // A small receive buffer, so that a client that stops reading fills up quickly.
        socket.setReceiveBufferSize(16 * 1024);
        socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        in = new DataInputStream(socket.getInputStream());
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head);
        }
    }

    /** Sends one masked text frame (clients must mask), e.g. a subscribe, then goes quiet again. */
    public void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        byte[] mask = {1, 2, 3, 4};
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        socket.getOutputStream().write(frame.toByteArray());
        socket.getOutputStream().flush();
    }

    private record Frame(int opcode, byte[] payload) {
    }

    /** One frame from the server (servers do not mask). */
    private Frame readFrame() throws IOException {
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
        return new Frame(b0 & 0x0f, payload);
    }

    /** Reads the next text frame's payload (skipping pings), or null at the server's close frame. */
    public String readText() throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.opcode == 0x8) {
                return null;
            }
            if (f.opcode == 0x1) {
                return new String(f.payload, StandardCharsets.UTF_8);
            }
        }
    }

    /** Reads frames until the server's close frame; returns its code. */
    public int awaitCloseCode() throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.opcode == 0x8) {
                return f.payload.length >= 2 ? ((f.payload[0] & 0xff) << 8) | (f.payload[1] & 0xff) : 1005;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
