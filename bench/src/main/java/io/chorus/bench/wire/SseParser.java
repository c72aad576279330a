package io.chorus.bench.wire;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads Chorus's {@code GET /v1/sse} stream (PROTOCOL.md, "Fallback transports") for one connection:
 * {@code event:} names the next {@code data:} line's kind; {@code subscribed} is matched to a local
 * subscription by channel name. Lines split across chunks are joined; complete lines are read in place.
 */
public final class SseParser {

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHANNEL = "\"channel\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POSITION = "\"position\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESUMED_FALSE = "\"resumed\":false".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESUMED_TRUE = "\"resumed\":true".getBytes(StandardCharsets.US_ASCII);

    private enum Kind { NONE, MESSAGE, SUBSCRIBED, ERROR }

    private final Conn conn;
    private Buffer partial;
    private Kind kind = Kind.NONE;

    public SseParser(Conn conn) {
        this.conn = conn;
    }

    public void feed(Buffer chunk) {
        int start = 0;
        for (int i = 0; i < chunk.length(); i++) {
            if (chunk.getByte(i) != '\n') {
                continue;
            }
            if (partial != null) {
                partial.appendBuffer(chunk, start, i - start);
                line(partial, 0, partial.length());
                partial = null;
            } else {
                line(chunk, start, i);
            }
            start = i + 1;
        }
        if (start < chunk.length()) {
            if (partial == null) {
                partial = Buffer.buffer(chunk.length() - start + 256);
            }
            partial.appendBuffer(chunk, start, chunk.length() - start);
        }
    }

    private void line(Buffer b, int from, int end) {
        if (end == from) {
            kind = Kind.NONE;
        } else if (Payload.at(b, from, EVENT)) {
            String name = b.getString(from + EVENT.length, end, "US-ASCII").trim();
            kind = switch (name) {
                case "message" -> Kind.MESSAGE;
                case "subscribed" -> Kind.SUBSCRIBED;
                case "error" -> Kind.ERROR;
                default -> Kind.NONE;
            };
        } else if (Payload.at(b, from, DATA)) {
            data(b, from + DATA.length, end);
        }
    }

    private void data(Buffer b, int from, int end) {
        switch (kind) {
            case MESSAGE -> {
                int local = conn.payload(b, from);
                if (local >= 0 && conn.tracksPositions()) {
                    conn.position(local, Payload.stringField(b, POSITION, from));
                }
            }
            case SUBSCRIBED -> {
                String channel = Payload.stringField(b, CHANNEL, from);
                for (int i = 0; i < conn.channelCount(); i++) {
                    if (conn.channelName(i).equals(channel)) {
                        Buffer line = b.getBuffer(from, end);
                        Boolean resumed = Payload.indexOf(line, RESUMED_TRUE, 0) >= 0 ? Boolean.TRUE
                                : Payload.indexOf(line, RESUMED_FALSE, 0) >= 0 ? Boolean.FALSE : null;
                        conn.subscribed(i, Payload.stringField(line, POSITION, 0), resumed);
                    }
                }
            }
            case ERROR -> {
                String text = b.getString(from, end, "UTF-8");
                String channel = Payload.stringField(b, CHANNEL, from);
                int local = -1;
                for (int i = 0; channel != null && i < conn.channelCount(); i++) {
                    if (conn.channelName(i).equals(channel)) {
                        local = i;
                    }
                }
                if (local >= 0) {
                    conn.subscriptionEnded(local, text, text.contains("\"retryable\":true"));
                } else {
                    conn.protocolError(text);
                }
            }
            default -> {
            }
        }
    }
}
