package io.chorus.ingest.config;

import java.time.Duration;

/**
 * How often ingest commits its transactions. A task that keeps up commits every {@code interval} (and
 * after each publish pass that wrote a snapshot), so replies and snapshots wait little; a task with more
 * than {@code behindRecords} commands in Kafka that its thread has not fetched yet commits only every
 * {@code intervalBehind}, giving the time of the commits it skips to applying commands. "Behind" is read
 * from the consumer's own lag (the partition's end offset in the last fetch minus its position), not
 * from any clock. Equal intervals (the default) turn pacing off: Streams commits every {@code interval}.
 */
public record CommitConfig(Duration interval, Duration intervalBehind, long behindRecords) {
}
