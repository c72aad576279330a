package io.chorus.gateway.config;

/**
 * The HTTP/WebSocket listener. {@code maxFrameBytes} is the transport limit (larger frames close the
 * socket with 1009); {@code maxMessageBytes} is the protocol limit, answered with
 * {@code message_too_large} while the connection stays open.
 */
public record HttpConfig(String host, int port, int instances, int maxFrameBytes, int maxMessageBytes,
                         int maxBodyBytes) {
    public HttpConfig withPort(int p) {
        return new HttpConfig(host, p, instances, maxFrameBytes, maxMessageBytes, maxBodyBytes);
    }
}
