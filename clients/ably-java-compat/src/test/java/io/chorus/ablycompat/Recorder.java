package io.chorus.ablycompat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.ably.lib.realtime.ChannelBase;
import io.ably.lib.types.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** What one ably-java subscription delivered, in order; the test takes each message it expects. */
final class Recorder implements ChannelBase.MessageListener {

    private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(Message message) {
        messages.add(message);
    }

    /** The next message, waiting up to 20 s for it. */
    Message next() throws InterruptedException {
        Message m = messages.poll(20, TimeUnit.SECONDS);
        assertNotNull(m, "a message within 20 s");
        return m;
    }

    List<Object> nextData(int n) throws InterruptedException {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(next().data);
        }
        return out;
    }

    /** Nothing else arrived (call after a sentinel proved everything before it was delivered). */
    void assertExhausted() {
        assertEquals(List.of(), List.copyOf(messages), "messages nobody expected");
    }
}
