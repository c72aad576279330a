package io.chorus.bench.wire;

import io.vertx.core.buffer.Buffer;

/**
 * One server's subscriber protocol over WebSocket: the upgrade URI, what to send once open, and what
 * each incoming text frame means. Stateless: every per-connection fact lives in the {@link Conn}.
 */
public interface Dialect {

    String uri(Conn c);

    void opened(Conn c);

    void frame(Conn c, Buffer frame);

    /** Subscribes the {@code local}-th channel again after a retryable refusal. */
    default void retry(Conn c, int local) {
    }

    /** Whether a subscription can be resumed from a position after a reconnect. */
    boolean resumable();

    static Dialect of(String target) {
        return switch (target) {
            case "chorus" -> new ChorusDialect();
            case "socketio" -> new SocketIoDialect();
            case "nchan" -> new NchanDialect();
            default -> throw new IllegalArgumentException("unknown target " + target + " (chorus, socketio, nchan)");
        };
    }
}
