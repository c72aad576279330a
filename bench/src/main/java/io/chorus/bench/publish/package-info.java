/**
 * Each server's backend publishing path, driven at a fixed rate by {@link io.chorus.bench.publish.PacedLoop}:
 * a Kafka producer for Chorus (records keyed by channel, as any backend writes them), Redis
 * {@code PUBLISH} of {@code @socket.io/redis-emitter} messages for Socket.IO, and HTTP {@code POST}
 * to the publisher location for Nchan. The pipelined socket publishers need no client library.
 */
package io.chorus.bench.publish;
