/**
 * The contracts every Chorus module and backend shares: channel names, positions (the serial that
 * encodes a Kafka topic id, partition, partition count and offset), the Kafka record convention for
 * backends, and the enumerated error codes and close reasons of the wire protocol
 * ({@code PROTOCOL.md} is the single reference for the wire format).
 */
package io.chorus.schema;
