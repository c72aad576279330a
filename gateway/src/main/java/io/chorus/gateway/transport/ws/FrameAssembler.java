package io.chorus.gateway.transport.ws;

import io.chorus.gateway.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Reassembles fragmented WebSocket messages with the protocol's own limit: past it the client is told
 * ({@code message_too_large}) and the bytes beyond the limit are never kept. Text is copied out of the
 * decoder's (pooled) frames, which the caller releases.
 */
final class FrameAssembler {

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

    /** A data frame (text, binary or continuation); control frames are the transport's. */
    void handle(WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame) {
            start(false, frame.content());
        } else if (frame instanceof BinaryWebSocketFrame) {
            start(true, frame.content());
        } else if (frame instanceof ContinuationWebSocketFrame && inMessage) {
            append(frame.content());
        } else {
            return; // a continuation with no message started: the decoder rejects it first
        }
        if (frame.isFinalFragment()) {
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

    private void start(boolean isBinary, ByteBuf content) {
        inMessage = true;
        binary = isBinary;
        tooLarge = false;
        size = 0;
        text = isBinary ? null : Buffer.buffer(Math.min(content.readableBytes(), limit));
        append(content);
    }

    private void append(ByteBuf content) {
        size += content.readableBytes();
        if (binary || tooLarge) {
            return;
        }
        if (size > limit) {
            tooLarge = true;
            text = null;
            return;
        }
        text.appendBuffer(BufferInternal.buffer(content)); // a copy: the frame is released after this
    }
}
