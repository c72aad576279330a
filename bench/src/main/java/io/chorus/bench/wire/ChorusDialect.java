package io.chorus.bench.wire;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Chorus over {@code GET /v1/ws} (PROTOCOL.md): one {@code subscribe} per channel with the local index
 * as {@code ref}, {@code since} when resuming. Server {@code ping}s need no JSON answer: the WebSocket
 * stack answers the ping control frame, which is all the idle timeout asks for.
 */
final class ChorusDialect implements Dialect {

    private static final byte[] MESSAGE = bytes("{\"type\":\"message\"");
    private static final byte[] SUBSCRIBED = bytes("{\"type\":\"subscribed\"");
    private static final byte[] ERROR = bytes("{\"type\":\"error\"");
    private static final byte[] REF = bytes("\"ref\":\"");
    private static final byte[] POSITION = bytes("\"position\":\"");
    private static final byte[] RESUMED_TRUE = bytes("\"resumed\":true");
    private static final byte[] RESUMED_FALSE = bytes("\"resumed\":false");
    private static final byte[] CHANNEL = bytes("\"channel\":\"");
    private static final byte[] RETRYABLE_TRUE = bytes("\"retryable\":true");

    @Override
    public String uri(Conn c) {
        return "/v1/ws";
    }

    @Override
    public void opened(Conn c) {
        for (int i = 0; i < c.channelCount(); i++) {
            subscribe(c, i);
        }
    }

    @Override
    public void retry(Conn c, int local) {
        subscribe(c, local);
    }

    static void subscribe(Conn c, int local) {
        String since = c.since(local);
        c.send("{\"type\":\"subscribe\",\"ref\":\"" + local + "\",\"channel\":\"" + c.channelName(local) + "\""
                + (since == null ? "" : ",\"since\":\"" + since + "\"") + "}");
    }

    @Override
    public void frame(Conn c, Buffer frame) {
        if (Payload.startsWith(frame, MESSAGE)) {
            int local = c.payload(frame, MESSAGE.length);
            if (local >= 0 && c.tracksPositions()) {
                c.position(local, Payload.stringField(frame, POSITION, 0));
            }
        } else if (Payload.startsWith(frame, SUBSCRIBED)) {
            int local = ref(frame);
            if (local >= 0) {
                Boolean resumed = Payload.indexOf(frame, RESUMED_TRUE, 0) >= 0 ? Boolean.TRUE
                        : Payload.indexOf(frame, RESUMED_FALSE, 0) >= 0 ? Boolean.FALSE : null;
                c.subscribed(local, Payload.stringField(frame, POSITION, 0), resumed);
            }
        } else if (Payload.startsWith(frame, ERROR)) {
            int local = ref(frame);
            boolean retryable = Payload.indexOf(frame, RETRYABLE_TRUE, 0) >= 0;
            String channel = Payload.stringField(frame, CHANNEL, 0);
            if (local >= 0) {
                c.subscribeFailed(local, frame.toString(StandardCharsets.UTF_8), retryable);
            } else if (channel != null && local(c, channel) >= 0) {
                c.subscriptionEnded(local(c, channel), frame.toString(StandardCharsets.UTF_8), retryable);
            } else {
                c.protocolError(frame.toString(StandardCharsets.UTF_8));
            }
        }
        // connected, ping, pong: nothing to do.
    }

    private static int local(Conn c, String channel) {
        for (int i = 0; i < c.channelCount(); i++) {
            if (c.channelName(i).equals(channel)) {
                return i;
            }
        }
        return -1;
    }

    private static int ref(Buffer frame) {
        String ref = Payload.stringField(frame, REF, 0);
        if (ref == null) {
            return -1;
        }
        try {
            return Integer.parseInt(ref);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public boolean resumable() {
        return true;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
