package io.chorus.gateway.admission;

import io.vertx.core.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every open connection's "leave now" action, so that a draining pod can tell each client to
 * reconnect elsewhere. Actions run on their connection's event loop.
 */
public final class Drainer {

    private final Map<Object, Runnable> actions = new ConcurrentHashMap<>();
    private boolean draining;

    /**
     * Registers a connection; {@code leave} runs on {@code context} when the pod drains, or at once
     * when it already does (a connection admitted just before the drain began must not be missed).
     */
    public synchronized void add(Object connection, Context context, Runnable leave) {
        Runnable action = () -> context.runOnContext(v -> leave.run());
        if (draining) {
            action.run();
        } else {
            actions.put(connection, action);
        }
    }

    public void remove(Object connection) {
        actions.remove(connection);
    }

    public int size() {
        return actions.size();
    }

    /** Asks every registered connection, and every one registered from now on, to leave. */
    public synchronized void drainAll() {
        draining = true;
        actions.values().forEach(Runnable::run);
    }
}
