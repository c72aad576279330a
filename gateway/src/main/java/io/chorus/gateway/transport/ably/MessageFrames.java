package io.chorus.gateway.transport.ably;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Encode once per event loop: the hub hands every subscriber of a message the same frame buffer, one
 * after another, so remembering the last translation makes a message's Ably form cost one encoding per
 * event loop instead of one per Ably subscriber. One entry: bounded by construction. One instance per
 * event loop, touched on it only.
 */
final class MessageFrames {

    private Buffer lastFrame;
    private MessageCodec.Delivered last;

    MessageCodec.Delivered translate(Buffer frame) throws IOException {
        if (frame != lastFrame) {
            last = MessageCodec.fromChorus(frame.getBytes());
            lastFrame = frame;
        }
        return last;
    }
}
