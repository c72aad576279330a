package io.chorus.client.internal.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The server's end of one raw connection: reads the client's bytes and writes whatever the test says. */
final class RawPeer implements AutoCloseable {

    /** A frame the client sent, unmasked. */
    record ClientFrame(boolean fin, int opcode, byte[] payload, byte[] maskKey) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        String closeReason() {
            return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    String requestLine;
    final Map<String, String> requestHeaders = new LinkedHashMap<>();

    RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) RawServer.WAIT_SECONDS * 1000); // a test never waits forever on the client
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
    }

    void readRequest() throws IOException {
        requestLine = readLine();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            requestHeaders.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
    }

    String header(String name) {
        return requestHeaders.get(name.toLowerCase(Locale.ROOT));
    }

    /** Answers 101 with the right accept key. */
    void upgrade() throws IOException {
        upgradeWith(WsProtocol.acceptFor(header("sec-websocket-key")), "");
    }

    void upgradeWith(String accept, String extraHeaders) throws IOException {
        write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    void write(byte[]... chunks) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] c : chunks) {
            all.write(c);
        }
        out.write(all.toByteArray()); // one write: one segment on loopback, as far as TCP allows
        out.flush();
    }

    /** Writes {@code bytes} and closes: the bytes, then a FIN, with no close frame. */
    void writeThenFin(byte[] bytes) throws IOException {
        out.write(bytes);
        socket.close();
    }

    /** Writes {@code bytes} and resets the connection (SO_LINGER 0): an RST, no FIN. */
    void writeThenReset(byte[] bytes) throws IOException {
        socket.setSoLinger(true, 0);
        out.write(bytes);
        socket.close();
    }

    ClientFrame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        assertTrue((b1 & 0x80) != 0, "a client frame must be masked");
        assertEquals(0, b0 & 0x70, "no reserved bits");
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] key = new byte[4];
        in.readFully(key);
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= key[i & 3];
        }
        return new ClientFrame((b0 & 0x80) != 0, b0 & 0x0f, payload, key);
    }

    ClientFrame expectFrame(int opcode) throws IOException {
        ClientFrame f = readFrame();
        assertEquals(opcode, f.opcode(), "opcode");
        return f;
    }

    /** True when the client closed its end (read returns end of stream). */
    boolean clientClosed() throws IOException {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ---- server frames, unmasked, built by hand ----

    static byte[] text(String text) {
        return frame(true, WsProtocol.OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] close(int code, String reason) {
        byte[] why = reason.getBytes(StandardCharsets.UTF_8);
        return frame(true, WsProtocol.OP_CLOSE, ByteBuffer.allocate(2 + why.length).putShort((short) code).put(why).array());
    }

    static byte[] frame(boolean fin, int opcode, byte[] payload) {
        return header(fin ? 0x80 | opcode : opcode, payload.length, payload);
    }

    /** {@code b0} as given (reserved bits and all); the length as declared, then the payload. */
    static byte[] header(int b0, long declaredLength, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(10 + payload.length);
        b.put((byte) b0);
        if (declaredLength < 126) {
            b.put((byte) declaredLength);
        } else if (declaredLength <= 0xffff) {
            b.put((byte) 126).putShort((short) declaredLength);
        } else {
            b.put((byte) 127).putLong(declaredLength);
        }
        b.put(payload);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the client closed during its request");
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
