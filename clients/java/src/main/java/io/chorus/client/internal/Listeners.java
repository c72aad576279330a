package io.chorus.client.internal;

import io.chorus.client.ConnectionState;
import io.chorus.client.StateListener;
import io.chorus.client.StateReason;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The application's state and error listeners. The fire methods call them inline and are meant to run
 * on the delivery thread; one failing listener does not keep the others from hearing.
 */
public final class Listeners {

    private static final System.Logger LOG = System.getLogger("io.chorus.client");

    private final List<StateListener> stateListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Throwable>> errorListeners = new CopyOnWriteArrayList<>();

    public void addState(StateListener listener) {
        stateListeners.add(listener);
    }

    public void addError(Consumer<Throwable> listener) {
        errorListeners.add(listener);
    }

    void fireState(ConnectionState state, StateReason reason) {
        for (StateListener l : stateListeners) {
            try {
                l.onStateChange(state, reason);
            } catch (RuntimeException e) {
                fireError(e);
            }
        }
    }

    /** With no error listener, errors are logged, so that a malformed frame is never silent. */
    void fireError(Throwable error) {
        if (errorListeners.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "chorus client: " + error, error);
            return;
        }
        for (Consumer<Throwable> l : errorListeners) {
            try {
                l.accept(error);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "chorus client: error listener threw", e);
            }
        }
    }
}
