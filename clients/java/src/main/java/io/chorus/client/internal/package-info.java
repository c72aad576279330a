/**
 * The client's implementation; not API, may change without notice.
 *
 * <p>Concurrency, in one paragraph: all state lives on one core thread ({@link
 * io.chorus.client.internal.ClientCore}). The socket ({@link io.chorus.client.internal.WsConnection})
 * and timers ({@link io.chorus.client.internal.Timers}) only post events to it, and application calls
 * ({@code subscribe}, {@code publish}) post commands to it, so there are no locks to hold. The core
 * never runs application code: it hands callbacks and future completions to one delivery thread
 * ({@link io.chorus.client.internal.Delivery}), which keeps them in order. A slow application pushes
 * back on the socket: past {@code maxBufferedMessages} undelivered callbacks the core stops reading.
 * The WebSocket itself, with its reader and writer threads, is {@code internal.ws}.
 */
package io.chorus.client.internal;
