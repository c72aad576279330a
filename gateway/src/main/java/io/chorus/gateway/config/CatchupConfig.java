package io.chorus.gateway.config;

import java.time.Duration;

/**
 * The catch-up/history reader: {@code threads} Kafka consumers, a bounded job {@code queue}, at most
 * {@code batchRecords} messages handed to a subscriber per step, and {@code maxScanRecords} records
 * read per job before it gives up (bounding the cost of a backward search on a busy partition).
 */
public record CatchupConfig(int threads, int queue, int batchRecords, long maxScanRecords, Duration pollTimeout) {
}
