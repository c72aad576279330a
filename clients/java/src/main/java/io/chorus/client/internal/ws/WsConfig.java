package io.chorus.client.internal.ws;

import java.net.CookieHandler;
import java.net.ProxySelector;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Settings shared by every socket of a client.
 *
 * @param sslContext      for wss; null for the JRE's default
 * @param sslParameters   protocols and cipher suites for wss; null for the context's defaults. Host names
 *                        are always verified.
 * @param proxy           null for direct connections; an HTTP proxy is tunnelled through with CONNECT,
 *                        a SOCKS proxy used as the JDK's {@code Socket} does
 * @param cookies         null for none; cookies go on the upgrade request and {@code Set-Cookie} is stored
 * @param maxMessageBytes a server message longer than this closes the connection with 1009
 * @param maxQueuedBytes  frames waiting to be written beyond this make {@code sendText} refuse
 * @param closeGrace      how long a close handshake may take before the socket is dropped
 */
public record WsConfig(SSLContext sslContext, SSLParameters sslParameters, ProxySelector proxy,
                       CookieHandler cookies, int maxMessageBytes, long maxQueuedBytes, Duration closeGrace) {

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 << 20;
    public static final long DEFAULT_MAX_QUEUED_BYTES = 16 << 20;
    public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(5);

    public WsConfig {
        if (maxMessageBytes < 1 || maxQueuedBytes < 1 || closeGrace.isNegative()) {
            throw new IllegalArgumentException("limits must be positive: " + maxMessageBytes + ", " + maxQueuedBytes
                    + ", " + closeGrace);
        }
    }

    /** Direct connections, the default TLS context, no cookies, default limits. */
    public static WsConfig defaults() {
        return new WsConfig(null, null, null, null, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_QUEUED_BYTES,
                DEFAULT_CLOSE_GRACE);
    }
}
