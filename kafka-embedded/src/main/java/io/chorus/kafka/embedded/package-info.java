/**
 * The embedded single-node Kafka broker (KRaft, from the Kafka server jars) that {@code chorus dev}
 * and {@code chorus kafka} run, and {@link io.chorus.kafka.embedded.TestKafka}, the one broker of a
 * test JVM. Kept out of the gateway and ingest jars: production runs against a real cluster and
 * ships no Kafka server or Scala code.
 */
package io.chorus.kafka.embedded;
