package io.chorus.gateway.config;

import java.util.List;

/**
 * The HTTP/WebSocket listener. {@code maxFrameBytes} is the transport limit (a larger frame drops the
 * connection); {@code maxMessageBytes} is the protocol limit, answered with {@code message_too_large}
 * while the connection stays open. {@code corsOrigins}: origins whose pages may call the gateway
 * ({@code *} for any). {@code sdkDir}: the built JavaScript SDK, served at {@code /sdk/}.
 * {@code transport}: the event loops' network transport ({@code io_uring}, {@code epoll} or {@code nio};
 * one that cannot load falls back to epoll, then NIO: see {@code transport.NetworkTransport}).
 * {@code h2c}: HTTP/2 over cleartext, by prior knowledge or by an {@code Upgrade: h2c} request. Off by
 * default: Java's own HTTP client (java.net.http, which asks for the upgrade unless told HTTP/1.1)
 * loses answers longer than one HTTP/2 frame after an upgrade (gateway/README.md, "HTTP/2").
 */
public record HttpConfig(String host, int port, int instances, int maxFrameBytes, int maxMessageBytes,
                         int maxBodyBytes, List<String> corsOrigins, String sdkDir, String transport,
                         boolean h2c) {

    /** The values of {@code transport}. */
    public static final List<String> TRANSPORTS = List.of("io_uring", "epoll", "nio");

    /** The default {@code transport}: io_uring was not cheaper per delivery in bench/BENCHMARKS.md (issue 14). */
    public static final String DEFAULT_TRANSPORT = "epoll";

    public HttpConfig {
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
        transport = transport == null || transport.isBlank() ? DEFAULT_TRANSPORT : transport.trim();
    }

    public HttpConfig withTransport(String t) {
        return new HttpConfig(host, port, instances, maxFrameBytes, maxMessageBytes, maxBodyBytes, corsOrigins, sdkDir,
                t, h2c);
    }

    public HttpConfig withH2c(boolean on) {
        return new HttpConfig(host, port, instances, maxFrameBytes, maxMessageBytes, maxBodyBytes, corsOrigins, sdkDir,
                transport, on);
    }
}
