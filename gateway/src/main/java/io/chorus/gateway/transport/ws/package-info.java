/** The WebSocket transport at {@code /v1/ws}: JSON text frames, one {@link io.chorus.gateway.session.Session} each. */
package io.chorus.gateway.transport.ws;
