/**
 * The embedded Kafka node (KRaft, from the Kafka server jars) that {@code chorus dev} and
 * {@code chorus kafka} run, and {@link io.chorus.kafka.embedded.TestKafka}, the one broker of a test
 * JVM. For fault tests, a node in a child process ({@link io.chorus.kafka.embedded.KafkaProcess},
 * started by {@link io.chorus.kafka.embedded.KafkaNodeMain}) that can be killed with SIGKILL, and a
 * cluster of such nodes ({@link io.chorus.kafka.embedded.KafkaCluster}). Kept out of the gateway and
 * ingest jars: production runs against a real cluster and ships no Kafka server or Scala code.
 */
package io.chorus.kafka.embedded;
