package io.chorus.gateway.auth;

/**
 * An authenticated (or anonymous) client: its id, what it may do, and when its token expires
 * (epoch ms; {@code Long.MAX_VALUE} for anonymous access and API keys).
 */
public record Principal(String clientId, Capabilities capabilities, long expiresAtMs, boolean anonymous) {
}
