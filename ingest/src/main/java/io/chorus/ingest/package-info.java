/**
 * Ingest, the exactly-once path for audience input: {@link io.chorus.ingest.Ingest} runs the Kafka
 * Streams application ({@code io.chorus.ingest.stream}) over the engagement rules
 * ({@code io.chorus.ingest.engage}); {@link io.chorus.ingest.Main} is {@code java -jar chorus-ingest.jar}.
 */
package io.chorus.ingest;
