/**
 * The WebSocket transport at {@code /v1/ws}: JSON text frames, one {@link io.chorus.gateway.session.Session}
 * each, over the raw Netty channel that {@code WebSocketHandler} takes over from Vert.x after the handshake.
 */
package io.chorus.gateway.transport.ws;
