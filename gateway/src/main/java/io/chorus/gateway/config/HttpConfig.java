package io.chorus.gateway.config;

import java.util.List;

/**
 * The HTTP/WebSocket listener. {@code maxFrameBytes} is the transport limit (a larger frame drops the
 * connection); {@code maxMessageBytes} is the protocol limit, answered with {@code message_too_large}
 * while the connection stays open. {@code corsOrigins}: origins whose pages may call the gateway
 * ({@code *} for any). {@code sdkDir}: the built JavaScript SDK, served at {@code /sdk/}.
 */
public record HttpConfig(String host, int port, int instances, int maxFrameBytes, int maxMessageBytes,
                         int maxBodyBytes, List<String> corsOrigins, String sdkDir) {
    public HttpConfig {
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
    }
}
