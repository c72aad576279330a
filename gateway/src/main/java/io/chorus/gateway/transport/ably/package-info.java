/**
 * Ably's realtime protocol (ably-js 2.x, protocol version 6, JSON over WebSocket) as one more
 * transport of the session model (ABLY.md). {@link io.chorus.gateway.transport.ably.AblyHandler} takes
 * the upgrade of {@code GET /}, checks the connect parameters and the Ably key
 * ({@link io.chorus.gateway.transport.ably.AblyKeys}) and opens a
 * {@link io.chorus.gateway.session.Session} over an {@link io.chorus.gateway.transport.ably.AblyTransport};
 * {@link io.chorus.gateway.transport.ably.AblyTranslator} turns Ably ProtocolMessages into the session's
 * request frames and the session's frames back into ProtocolMessages, so every rule of the session
 * (limits, heartbeats, admission, capabilities, publish ids) holds for Ably clients unchanged; it keeps the
 * connection and hands channels to {@link io.chorus.gateway.transport.ably.AblyChannels} and publishes
 * with their ACKs to {@link io.chorus.gateway.transport.ably.AblyPublishFlow}. Token
 * auth lives here too: {@link io.chorus.gateway.transport.ably.AblyTokens} issues and verifies Ably JWTs
 * (the REST API's requestToken uses it), and {@link io.chorus.gateway.transport.ably.AblyAuthFlow} renews
 * them on a live connection; {@link io.chorus.gateway.transport.ably.AblyRestCodec} gives the REST API
 * the same message mapping as the realtime protocol.
 */
package io.chorus.gateway.transport.ably;
