package io.chorus.gateway.transport.ws;

import io.chorus.gateway.session.Session;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;

/**
 * Reassembles fragmented WebSocket messages with the protocol's own limit. Vert.x's message
 * aggregation silently drops a message past its limit; here the client is told
 * ({@code message_too_large}) and the bytes beyond the limit are never kept.
 */
final class FrameAssembler implements Handler<WebSocketFrame> {

    private final Session session;
    private final int limit;
    private Buffer text;
    private boolean inMessage;
    private boolean binary;
    private boolean tooLarge;
    private long size;

    FrameAssembler(Session session, int limit) {
        this.session = session;
        this.limit = limit;
    }

    @Override
    public void handle(WebSocketFrame frame) {
        switch (frame.type()) {
            case TEXT -> start(false, frame);
            case BINARY -> start(true, frame);
            case CONTINUATION -> {
                if (!inMessage) {
                    return; // a continuation with no message started: Netty rejects it first
                }
                append(frame);
            }
            default -> {
                return; // ping, pong and close are handled by Vert.x
            }
        }
        if (frame.isFinal()) {
            inMessage = false;
            if (binary) {
                session.onBinary();
            } else if (tooLarge) {
                session.onTooLarge(size);
            } else {
                session.onText(text);
            }
            text = null;
        }
    }

    private void start(boolean isBinary, WebSocketFrame frame) {
        inMessage = true;
        binary = isBinary;
        tooLarge = false;
        size = 0;
        text = isBinary ? null : Buffer.buffer(Math.min(frame.binaryData().length(), limit));
        append(frame);
    }

    private void append(WebSocketFrame frame) {
        size += frame.binaryData().length();
        if (binary || tooLarge) {
            return;
        }
        if (size > limit) {
            tooLarge = true;
            text = null;
            return;
        }
        text.appendBuffer(frame.binaryData());
    }
}
