/**
 * What goes over the wire: the payload every publisher writes ({@link io.chorus.bench.wire.Payload}),
 * and each server's subscriber protocol ({@link io.chorus.bench.wire.Dialect}) over one WebSocket
 * client, plus Chorus's SSE stream. Frames are scanned as bytes, never parsed into objects, so the
 * load generator spends its one core on receiving rather than on JSON.
 */
package io.chorus.bench.wire;
