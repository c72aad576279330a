package io.chorus.gateway.transport.ably;

import io.vertx.core.buffer.Buffer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * Not a test: a measurement (run its main) of the CPU per delivered message that the Ably edge adds, JSON
 * against MessagePack, for one message fanned out to 1 and to 100 subscribers of an event loop. The work
 * measured is what differs: the Chorus frame translated once ({@link MessageFrames}), then per subscriber
 * the UTF-8 bytes of the text frame (JSON) or the remembered MessagePack bytes wrapped in a Buffer.
 */
public final class MsgpackCost {

    public static void main(String[] args) {
        String pos = new io.chorus.schema.Position(UUID.randomUUID(), 3, 8, 41).encode();
        String json = "{\"type\":\"message\",\"channel\":\"chat:room1\",\"position\":\"" + pos + "\",\"id\":\"a-1:0:0\","
                + "\"name\":\"vote\",\"timestamp\":1760000000123,\"data\":{\"option\":\"b\",\"text\":\"" + "x".repeat(150)
                + "\"}}";
        byte[] raw = new byte[256];
        new java.util.Random(7).nextBytes(raw);
        String bin = "{\"type\":\"message\",\"channel\":\"chat:room1\",\"position\":\"" + pos + "\",\"id\":\"a-1:0:1\","
                + "\"timestamp\":1760000000123,\"data\":\"" + Base64.getEncoder().encodeToString(raw)
                + "\",\"encoding\":\"base64\"}";
        for (String[] kind : new String[][] {{"json object data", json}, {"256 bytes data", bin}}) {
            for (int subscribers : new int[] {1, 100}) {
                for (boolean msgpack : new boolean[] {false, true}) {
                    run(kind[1], subscribers, msgpack, 20_000); // warm-up
                    double ns = run(kind[1], subscribers, msgpack, 100_000);
                    System.out.printf("%-17s %3d subscribers %-8s %7.0f ns CPU per delivery%n", kind[0], subscribers,
                            msgpack ? "msgpack" : "json", ns);
                }
            }
        }
    }

    /** CPU nanoseconds per delivery (message × subscriber). */
    private static double run(String chorusFrame, int subscribers, boolean msgpack, int messages) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        MessageFrames frames = new MessageFrames();
        MsgpackCodec codec = new MsgpackCodec();
        long sink = 0;
        long start = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < messages; i++) {
            Buffer frame = Buffer.buffer(chorusFrame); // a new message: nothing cached across messages
            for (int s = 0; s < subscribers; s++) {
                String pm;
                try {
                    pm = frames.translate(frame).json();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                sink += msgpack ? Buffer.buffer(codec.encode(pm)).length() : pm.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        long cpu = mx.getCurrentThreadCpuTime() - start;
        if (sink == 42) {
            System.out.println();
        }
        return (double) cpu / ((long) messages * subscribers);
    }
}
