package io.chorus.bench.publish;

import io.chorus.bench.wire.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Socket.IO's backend path: Redis {@code PUBLISH} of the message {@code @socket.io/redis-emitter}
 * sends, which the Redis adapter of every Socket.IO node broadcasts to its local sockets in the room:
 * channel {@code socket.io#/#<room>#}, message msgpack
 * {@code ["emitter", {type: 2, data: ["m", payload], nsp: "/"}, {rooms: [room], except: [], flags: {}}]}.
 * The payload object has the same keys and pad as the JSON payload, so Socket.IO delivers the same
 * bytes the other servers do. Plain RESP over a socket; answers are the subscriber counts.
 */
final class RedisEmitterPublisher extends PipelinedSocket {

    private static final byte[] PUBLISH = "*3\r\n$7\r\nPUBLISH\r\n".getBytes(StandardCharsets.US_ASCII);

    private final PublishTarget t;
    private final byte[][] redisChannels;

    RedisEmitterPublisher(PublishTarget t) {
        super(t.host(), t.port(), "redis");
        this.t = t;
        redisChannels = new byte[t.channels()][];
        for (int c = 0; c < t.channels(); c++) {
            redisChannels[c] = ("socket.io#/#" + t.channel(c) + "#").getBytes(StandardCharsets.UTF_8);
        }
    }

    static byte[] emitterMessage(String room, long sentRel, int channel, long seq, int payloadBytes) {
        int pad = Payload.padLength(sentRel, channel, seq, payloadBytes);
        return new MsgPack(payloadBytes + 96).array(3)
                .str("emitter")
                .map(3)
                .str("type").uint(2)
                .str("data").array(2).str("m")
                .map(4).str("t").uint(sentRel).str("c").uint(channel).str("seq").uint(seq).str("pad").str("x".repeat(pad))
                .str("nsp").str("/")
                .map(3)
                .str("rooms").array(1).str(room)
                .str("except").array(0)
                .str("flags").map(0)
                .bytes();
    }

    @Override
    void write(OutputStream out, int channel, long sentRel, long seq) throws IOException {
        byte[] msg = emitterMessage(t.channel(channel), sentRel, channel, seq, t.payloadBytes());
        out.write(PUBLISH);
        bulk(out, redisChannels[channel]);
        bulk(out, msg);
    }

    private static void bulk(OutputStream out, byte[] b) throws IOException {
        out.write(('$' + Integer.toString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write('\r');
        out.write('\n');
    }

    @Override
    String readAnswer(InputStream in) throws IOException {
        String line = readLine(in);
        if (line.startsWith(":")) {
            return line.equals(":0") ? "no Socket.IO node subscribed to the adapter channel" : null;
        }
        return "redis answered " + line;
    }

    @Override
    public String describe() {
        return "Redis PUBLISH (redis-emitter format) to " + t.endpoint()
                + (lastError() == null ? "" : "; last error " + lastError());
    }
}
