/**
 * Transports: the only code that knows Vert.x socket and HTTP types for client connections.
 * {@code StreamRequests} admits SSE and long-poll requests; the per-loop {@code Flusher} and
 * {@code CoalescingWriter} are shared by WebSocket and SSE.
 */
package io.chorus.gateway.transport;
