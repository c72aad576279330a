package io.chorus.client;

import io.chorus.schema.CloseReason;
import java.time.Duration;

/**
 * Why the connection changed state.
 *
 * @param closeCode the WebSocket close code when a close caused the change, else {@link #NO_CODE}
 * @param text      a short description: the server's close reason, the connection id on
 *                  {@code CONNECTED}, or what the client noticed (a silent server, a network error)
 * @param error     the exception behind a network failure, else null
 * @param retryIn   on {@code DISCONNECTED}, the backoff delay before the next attempt, else null
 */
public record StateReason(int closeCode, String text, Throwable error, Duration retryIn) {

    public static final int NO_CODE = -1;

    /** The protocol's name for {@link #closeCode}, or null when it is not one of the enumerated codes. */
    public CloseReason closeReason() {
        return CloseReason.byCode(closeCode);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (closeCode != NO_CODE) {
            s.append(closeCode).append(' ');
        }
        s.append(text);
        if (error != null) {
            s.append(" (").append(error).append(')');
        }
        if (retryIn != null) {
            s.append(", retry in ").append(retryIn.toMillis()).append(" ms");
        }
        return s.toString();
    }
}
