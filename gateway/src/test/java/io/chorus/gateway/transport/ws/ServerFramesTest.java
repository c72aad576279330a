package io.chorus.gateway.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Server frames read back by Netty's own decoder, without sockets. */
class ServerFramesTest {

    private static <T extends WebSocketFrame> T decode(ByteBuf bytes, Class<T> type) {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
        ch.writeInbound(bytes);
        Object frame = ch.readInbound();
        assertTrue(type.isInstance(frame), () -> "decoded " + frame);
        assertTrue(ch.inboundMessages().isEmpty(), "one frame, nothing left over");
        ch.finishAndReleaseAll();
        return type.cast(frame);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65_535, 65_536, 300_000})
    void aTextFrameOfAnyLengthDecodesToItsPayload(int length) {
        String text = "x".repeat(length);
        TextWebSocketFrame frame = decode(new ServerFrames().text(Buffer.buffer(text)), TextWebSocketFrame.class);
        assertTrue(frame.isFinalFragment());
        assertEquals(text, frame.text());
        frame.release();
    }

    @Test
    void theSameBufferIsEncodedOnceAndEachWriteGetsItsOwnView() {
        ServerFrames frames = new ServerFrames();
        Buffer message = Buffer.buffer("{\"type\":\"message\"}");
        ByteBuf first = frames.text(message);
        first.skipBytes(first.readableBytes()); // as a socket write leaves it
        ByteBuf second = frames.text(message);
        assertSame(first.unwrap(), second.unwrap(), "one encoding");
        assertEquals(2 + message.length(), second.readableBytes());
        assertNotSame(first.unwrap(), frames.text(Buffer.buffer("{\"type\":\"message\"}")).unwrap(),
                "another buffer is another message");
        message.appendString(" ");
        assertEquals(2 + message.length(), frames.text(message).readableBytes(), "a longer buffer is encoded again");
    }

    @Test
    void aBatchWrittenSubscriberBySubscriberIsEncodedOncePerMessage() {
        ServerFrames frames = new ServerFrames();
        List<Buffer> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(Buffer.buffer("{\"n\":" + i + "}"));
        }
        List<ByteBuf> first = new ArrayList<>();
        for (Buffer m : batch) {
            first.add(frames.text(m));
        }
        for (int subscriber = 0; subscriber < 3; subscriber++) {
            for (int i = 0; i < batch.size(); i++) {
                ByteBuf again = frames.text(batch.get(i));
                assertSame(first.get(i).unwrap(), again.unwrap(), "message " + i + " encoded once");
                assertEquals("{\"n\":" + i + "}", decode(again, TextWebSocketFrame.class).text());
            }
        }
        // Past RECENT newer messages, an old one is encoded again: the same bytes.
        for (int i = 0; i < ServerFrames.RECENT; i++) {
            frames.text(Buffer.buffer("{}"));
        }
        ByteBuf old = frames.text(batch.get(0));
        assertNotSame(first.get(0).unwrap(), old.unwrap());
        assertEquals("{\"n\":0}", decode(old, TextWebSocketFrame.class).text());
    }

    @Test
    void aCloseFrameCarriesItsCodeAndAReasonCutAtACharacterBoundary() {
        CloseWebSocketFrame close = decode(ServerFrames.close(4000, "idle_timeout"), CloseWebSocketFrame.class);
        assertEquals(4000, close.statusCode());
        assertEquals("idle_timeout", close.reasonText());
        close.release();
        String euros = "€".repeat(60); // 180 bytes: cut to 123, then back to a whole character (41 x 3 bytes)
        CloseWebSocketFrame cut = decode(ServerFrames.close(1009, euros), CloseWebSocketFrame.class);
        assertEquals("€".repeat(41), cut.reasonText());
        assertEquals(41 * 3, cut.reasonText().getBytes(StandardCharsets.UTF_8).length);
        cut.release();
    }

    @Test
    void theSharedPingStaysWholeAcrossWrites() {
        for (int i = 0; i < 3; i++) {
            PingWebSocketFrame ping = decode(ServerFrames.ping(), PingWebSocketFrame.class);
            assertEquals(0, ping.content().readableBytes());
            ping.release();
        }
    }
}
