package io.chorus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.schema.ChorusException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Records every callback a client makes, in the order the application would see them, so a test can
 * expect them one by one and end with {@link #assertExhausted()}: nothing it did not expect arrived.
 */
final class Recorder implements MessageListener, StateListener, Consumer<Throwable> {

    record State(ConnectionState state, StateReason reason) {
    }

    record ContinuityLost(String channel, String reason, String newPosition) {
    }

    record SubscriptionFailed(String channel, ChorusException error) {
    }

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

    static Recorder on(ChorusClient client) {
        Recorder r = new Recorder();
        client.addStateListener(r);
        client.addErrorListener(r);
        return r;
    }

    @Override
    public void onMessage(Message message) {
        events.add(message);
    }

    @Override
    public void onContinuityLost(String channel, String reason, String newPosition) {
        events.add(new ContinuityLost(channel, reason, newPosition));
    }

    @Override
    public void onSubscriptionFailed(String channel, ChorusException error) {
        events.add(new SubscriptionFailed(channel, error));
    }

    @Override
    public void onStateChange(ConnectionState state, StateReason reason) {
        events.add(new State(state, reason));
    }

    @Override
    public void accept(Throwable error) {
        events.add(error);
    }

    <T> T next(Class<T> type) throws InterruptedException {
        Object event = events.poll(FakeGateway.WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(event, "no " + type.getSimpleName() + " within " + FakeGateway.WAIT_SECONDS + " s");
        return assertInstanceOf(type, event, "unexpected event " + event);
    }

    StateReason expectState(ConnectionState expected) throws InterruptedException {
        State s = next(State.class);
        assertEquals(expected, s.state(), "state change " + s);
        return s.reason();
    }

    Message expectMessage(String position) throws InterruptedException {
        Message m = next(Message.class);
        assertEquals(position, m.position(), "message " + m);
        return m;
    }

    void assertExhausted() {
        assertTrue(events.isEmpty(), "unexpected events " + events);
    }
}
