/**
 * The client's own WebSocket (RFC 6455, client side, no extensions), on a blocking socket with one
 * reader and one writer thread per connection. Not API.
 *
 * <p>Why not {@code java.net.http.WebSocket}: it can lose a connection that ends (TCP FIN, no close
 * frame) right behind a message: neither {@code onClose} nor {@code onError} comes, and only the
 * heartbeat watchdog, 20 s later, ends it. Here a reader thread is always blocked in {@code read}, so
 * an end of stream, a reset or a read error reaches the listener as soon as the kernel reports it.
 *
 * <p>Files: {@link io.chorus.client.internal.ws.WsProtocol} (constants, frame layout),
 * {@link io.chorus.client.internal.ws.Handshake} (the HTTP/1.1 upgrade),
 * {@link io.chorus.client.internal.ws.FrameReader} and {@link io.chorus.client.internal.ws.FrameWriter}
 * (the codec, no threads), {@link io.chorus.client.internal.ws.WebSocket} (the connection: threads,
 * close handshake, the one terminal callback).
 */
package io.chorus.client.internal.ws;
