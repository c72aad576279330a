/**
 * Ably's realtime protocol (ably-js 2.x, protocol version 6, JSON over WebSocket) as one more
 * transport of the session model (ABLY.md). {@link io.chorus.gateway.transport.ably.AblyHandler} takes
 * the upgrade of {@code GET /}, checks the connect parameters and the Ably key
 * ({@link io.chorus.gateway.transport.ably.AblyKeys}) and opens a
 * {@link io.chorus.gateway.session.Session} over an {@link io.chorus.gateway.transport.ably.AblyTransport};
 * {@link io.chorus.gateway.transport.ably.AblyTranslator} turns Ably ProtocolMessages into the session's
 * request frames and the session's frames back into ProtocolMessages, so every rule of the session
 * (limits, heartbeats, admission, capabilities, publish ids) holds for Ably clients unchanged.
 */
package io.chorus.gateway.transport.ably;
