package io.chorus.bench.wire;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Socket.IO 4 (Engine.IO v4) over a plain WebSocket, no polling first:
 * <pre>
 *   server: 0{"sid":…,"pingInterval":…}     engine open
 *   client: 40                               connect the "/" namespace
 *   server: 40{"sid":…}                      namespace connected
 *   client: 42&lt;k+1&gt;["join","room"]           join room k, asking for acknowledgement k+1
 *   server: 43&lt;k+1&gt;["ok"]                     joined
 *   server: 42["m",{payload}]                a broadcast to the room
 *   server: 2    client: 3                   engine heartbeat (the server closes a client that misses it)
 * </pre>
 * The "join" event is the peer server's own (bench/peers/socketio/server.js).
 */
final class SocketIoDialect implements Dialect {

    private static final byte[] EVENT = bytes("42[");
    private static final byte[] ACK = bytes("43");
    private static final byte[] CONNECT = bytes("40");
    private static final byte[] CONNECT_ERROR = bytes("44");
    private static final byte[] DISCONNECT = bytes("41");

    @Override
    public String uri(Conn c) {
        return "/socket.io/?EIO=4&transport=websocket";
    }

    @Override
    public void opened(Conn c) {
        // Wait for the engine's open packet.
    }

    @Override
    public void frame(Conn c, Buffer frame) {
        if (frame.length() == 0) {
            return;
        }
        byte first = frame.getByte(0);
        if (first == '2' && frame.length() == 1) {
            c.send("3");
        } else if (Payload.startsWith(frame, EVENT)) {
            c.payload(frame, EVENT.length);
        } else if (Payload.startsWith(frame, ACK)) {
            int id = 0;
            int p = 2;
            for (byte b; p < frame.length() && (b = frame.getByte(p)) >= '0' && b <= '9'; p++) {
                id = id * 10 + (b - '0');
            }
            c.subscribed(id - 1, null, null);
        } else if (Payload.startsWith(frame, CONNECT)) {
            for (int k = 0; k < c.channelCount(); k++) {
                c.send("42" + (k + 1) + "[\"join\",\"" + c.channelName(k) + "\"]");
            }
        } else if (first == '0') {
            c.send("40");
        } else if (Payload.startsWith(frame, CONNECT_ERROR) || Payload.startsWith(frame, DISCONNECT) || first == '1') {
            c.protocolError(frame.toString(StandardCharsets.UTF_8));
        }
    }

    @Override
    public boolean resumable() {
        return false;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
