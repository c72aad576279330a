package io.chorus.gateway.transport;

import io.vertx.core.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Which Netty transport the event loops run on ({@code http.transport}). The one asked for is used
 * when it loads here; otherwise the gateway falls back to epoll, then to NIO, and says why, because a
 * kernel may forbid io_uring ({@code kernel.io_uring_disabled}, seccomp in containers) while epoll
 * always works on Linux. The choice never stops start-up.
 */
public final class NetworkTransport {

    /** The transport in use, the one asked for, and why they differ (empty when they do not). */
    public record Choice(String name, Transport transport, String wanted, String fallbackReason) {
        public boolean fellBack() {
            return !name.equals(wanted);
        }
    }

    private NetworkTransport() {
    }

    /** The transport for {@code wanted} (one of {@code HttpConfig.TRANSPORTS}), or the first that loads after it. */
    public static Choice choose(String wanted) {
        return choose(wanted, t -> t.available());
    }

    /** As {@link #choose(String)} with the availability check given (tests). */
    static Choice choose(String wanted, Predicate<Transport> loads) {
        String w = wanted.toLowerCase(Locale.ROOT);
        List<String> order = new ArrayList<>(List.of(w));
        // Fallbacks: epoll, then NIO (NIO always loads).
        for (String n : List.of("epoll", "nio")) {
            if (!order.contains(n)) {
                order.add(n);
            }
        }
        List<String> why = new ArrayList<>();
        for (String n : order) {
            Transport t = of(n);
            if (t == Transport.NIO || loads.test(t)) {
                return new Choice(n, t, w, String.join("; ", why));
            }
            Throwable cause = t.unavailabilityCause();
            why.add(n + " unavailable: " + (cause == null ? "not on the class path" : cause.toString()));
        }
        throw new IllegalStateException("NIO is always available");
    }

    static Transport of(String name) {
        return switch (name) {
            case "io_uring" -> Transport.IO_URING;
            case "epoll" -> Transport.EPOLL;
            case "nio" -> Transport.NIO;
            default -> throw new IllegalArgumentException("http.transport must be io_uring, epoll or nio: " + name);
        };
    }
}
