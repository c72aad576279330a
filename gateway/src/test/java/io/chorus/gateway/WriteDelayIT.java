package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.SseProbe;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.WsProbe;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code connection.writeDelay}: a socket's writes wait up to that long and leave together. Nothing is
 * lost, doubled or reordered, on WebSocket and SSE alike, and messages that arrived one poll at a time
 * share flushes.
 */
class WriteDelayIT {

    @Test
    void heldWritesArriveInOrderOnWebSocketAndSseAndShareFlushes() throws Exception {
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":votes";
        int count = 20;
        try (TestGateway gateway = TestGateway.start(TestGateway.writeDelay(Duration.ofMillis(400)));
             Backend backend = new Backend(ns, ch);
             WsProbe ws = WsProbe.connect(gateway.wsUri());
             SseProbe sse = new SseProbe(gateway.http("/v1/sse?channel=" + ch), null)) {
            MeterRegistry registry = gateway.gateway().metrics().registry();
            ws.send("{\"type\":\"subscribe\",\"ref\":\"a\",\"channel\":\"" + ch + "\"}");
            ws.expect("subscribed");
            sse.expect("subscribed");
            double flushesBefore = registry.counter("chorus_batched_flushes").count();
            // One record per produce request, each acknowledged before the next: each is its own poll.
            for (int i = 0; i < count; i++) {
                backend.send(i);
            }
            for (int i = 0; i < count; i++) {
                assertEquals(i, ws.expect("message").get("data").get("n").asInt(), "WebSocket order");
                assertEquals(i, sse.expect("message").data().get("data").get("n").asInt(), "SSE order");
            }
            Conditions.await("every delivery counted", Duration.ofSeconds(10), () ->
                    registry.counter("chorus_messages_out", "transport", "ws").count() >= count
                            && registry.counter("chorus_messages_out", "transport", "sse").count() >= count);
            double flushes = registry.counter("chorus_batched_flushes").count() - flushesBefore;
            // Two sockets, 20 messages each, produced one at a time: without the delay, each poll's
            // message is flushed on its own (about 40 flushes); held 400 ms, they share a few, and each
            // socket is flushed at least once. (The flusher counts before it flushes: it once counted
            // after, and a loaded CI run read the counter between the bytes arriving and the count.)
            assertTrue(flushes >= 2 && flushes < count, "flushes for 2 x " + count + " deliveries: " + flushes);
            ws.assertNoMoreFrames();
        }
    }
}
