package io.chorus.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chorus.client.ConnectionState;
import io.chorus.client.Message;
import io.chorus.client.MessageListener;
import io.chorus.client.StateListener;
import io.chorus.client.StateReason;
import io.chorus.gateway.testing.Conditions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What one client saw: the {@code n} of every message (the Backend's {@code {"n":i}}), state changes
 * and reported errors, each in arrival order. Waits are conditions with a deadline, never sleeps.
 */
final class Received implements MessageListener, StateListener {

    static final Duration WAIT = Duration.ofSeconds(30);

    record State(ConnectionState state, StateReason reason) {
    }

    final List<Integer> numbers = new CopyOnWriteArrayList<>();
    final List<State> states = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(Message m) {
        numbers.add(m.data().path("n").asInt());
    }

    @Override
    public void onStateChange(ConnectionState state, StateReason reason) {
        states.add(new State(state, reason));
    }

    void awaitNumbers(int count) {
        Conditions.await(count + " messages (have " + numbers + ")", WAIT, () -> numbers.size() >= count);
    }

    /** Exactly 0 .. count-1, in order: no gap, no duplicate. */
    void assertExactly(int count) {
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add(i);
        }
        assertEquals(expected, numbers);
    }

    long count(ConnectionState state) {
        return states.stream().filter(s -> s.state() == state).count();
    }

    State awaitState(ConnectionState state) {
        Conditions.await(state + " (states " + states + ")", WAIT, () -> count(state) > 0);
        return states.stream().filter(s -> s.state() == state).findFirst().orElseThrow();
    }
}
