/**
 * One client connection, whatever the transport: identity and token expiry, subscriptions, presence
 * and watches, publishing, rate limits, heartbeats and the idle timeout, admission and drain
 * ({@link io.chorus.gateway.session.Session}); WebSocket request frames
 * ({@link io.chorus.gateway.session.RequestHandler}) and SSE or long-poll requests
 * ({@link io.chorus.gateway.session.StreamRequest}) open and drive it. Transports implement
 * {@link io.chorus.gateway.session.Transport} and nothing else.
 */
package io.chorus.gateway.session;
