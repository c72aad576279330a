package io.chorus.bench.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    /** Records what the parser reports. */
    static final class Recorder implements Conn {
        final List<String> events = new ArrayList<>();
        final long[] scratch = new long[3];

        @Override public int channelCount() { return 1; }
        @Override public String channelName(int local) { return "bench:sse-0"; }
        @Override public String since(int local) { return null; }
        @Override public boolean tracksPositions() { return true; }
        @Override public void send(String text) { events.add("send " + text); }
        @Override public void subscribed(int local, String position, Boolean resumed) {
            events.add("subscribed " + local + " " + position + " " + resumed);
        }
        @Override public void subscribeFailed(int local, String frame, boolean retryable) { events.add("failed"); }
        @Override public int payload(Buffer frame, int from) {
            Payload.scan(frame, from, scratch);
            events.add("payload " + scratch[2]);
            return 0;
        }
        @Override public void subscriptionEnded(int local, String frame, boolean retryable) { events.add("ended"); }
        @Override public void position(int local, String position) { events.add("position " + position); }
        @Override public void protocolError(String what) { events.add("error " + what); }
    }

    @Test
    void eventsSplitAcrossChunksAreReadWhole() {
        String p = new String(Payload.json(10, 0, 3, 64), StandardCharsets.US_ASCII);
        String stream = "retry: 2000\n\nid: P.0.8.41\nevent: subscribed\n"
                + "data: {\"type\":\"subscribed\",\"channel\":\"bench:sse-0\",\"position\":\"P.0.8.41\",\"resumed\":true}\n\n"
                + "id: P.0.8.42\nevent: message\ndata: {\"type\":\"message\",\"channel\":\"bench:sse-0\","
                + "\"position\":\"P.0.8.42\",\"data\":" + p + "}\n\n: ping\n\n";
        Recorder r = new Recorder();
        SseParser parser = new SseParser(r);
        for (int i = 0; i < stream.length(); i += 7) {
            parser.feed(Buffer.buffer(stream.substring(i, Math.min(stream.length(), i + 7))));
        }
        assertEquals(List.of("subscribed 0 P.0.8.41 true", "payload 3", "position P.0.8.42"), r.events);
    }
}
