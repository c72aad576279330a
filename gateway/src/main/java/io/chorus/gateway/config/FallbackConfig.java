package io.chorus.gateway.config;

import java.time.Duration;

/**
 * The fallback transports. {@code maxChannels}: channels per SSE or poll request. A poll waits up to
 * {@code pollTimeout} for a message and returns at most {@code pollMaxMessages}. {@code sseRetry} is
 * the reconnect delay an SSE stream suggests to the browser.
 */
public record FallbackConfig(int maxChannels, Duration pollTimeout, int pollMaxMessages, Duration sseRetry) {
}
