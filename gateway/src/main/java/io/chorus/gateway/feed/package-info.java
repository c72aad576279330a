/**
 * Reading Kafka: the topic catalog (ids, partition counts, offsets), the pod's one live reader, the
 * bounded recent-message cache it fills, the index of recent message ids it feeds (which decides the
 * repeats no reader delivers), the catch-up/history reader, and the encoder that turns a record into
 * the wire frame once for every subscriber.
 */
package io.chorus.gateway.feed;
