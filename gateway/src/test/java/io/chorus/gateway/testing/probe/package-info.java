/**
 * One client probe interface for the session contract, with an implementation per transport
 * (WebSocket, SSE, long-polling), so the same test runs against each.
 */
package io.chorus.gateway.testing.probe;
