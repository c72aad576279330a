/**
 * The Kafka Streams runtime of the engagement rules: reads command records, re-keys them by event so one
 * task owns an event's state, applies each command once (dedup by command id) through the
 * {@link io.chorus.ingest.engage.Registry}, and writes replies, messages, conflated snapshots, audit and
 * dead-letter records, all in the task's exactly-once transaction. Only this package knows Kafka types.
 */
package io.chorus.ingest.stream;
