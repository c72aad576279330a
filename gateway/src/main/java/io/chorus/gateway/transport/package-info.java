/** Transports: the only code that knows Vert.x socket and HTTP types for client connections. */
package io.chorus.gateway.transport;
