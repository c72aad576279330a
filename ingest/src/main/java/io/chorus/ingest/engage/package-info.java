/**
 * The engagement rules (ENGAGE.md) as plain Java over a key-value state: {@link io.chorus.ingest.engage.Handler}s
 * apply commands, {@link io.chorus.ingest.engage.Renderer}s render snapshots. Nothing here knows Kafka: the
 * runtime in {@code io.chorus.ingest} feeds commands from the command topics and commits state and output in
 * one transaction, and unit tests run the same rules over a map.
 */
package io.chorus.ingest.engage;
