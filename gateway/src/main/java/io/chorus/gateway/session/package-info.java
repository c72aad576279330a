/**
 * A client connection's protocol, independent of the transport: request handling (subscribe,
 * unsubscribe, publish, ping), heartbeats and the idle timeout, per-connection limits, and the
 * frames the server sends. Transports implement {@link io.chorus.gateway.session.Transport}.
 */
package io.chorus.gateway.session;
