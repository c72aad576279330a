package io.chorus.gateway.config;

import java.time.Duration;

/**
 * The readers of the past. Resumes and history: {@code threads} Kafka consumers (0 = one per core),
 * at most {@code queue} reads waiting, at most {@code batchRecords} messages handed to a subscriber
 * per step, and at most {@code maxScanRecords} records read per pass or job (bounding the cost of a
 * backward search on a busy partition); {@code pollTimeout} is how often a read that Kafka does not
 * answer checks its deadline. Publishing never uses them: keyed publishes are decided by the live
 * reader's id index.
 */
public record CatchupConfig(int threads, int queue, int batchRecords, long maxScanRecords, Duration pollTimeout) {

    /** The consumers to run: {@code threads}, or one per core when it is 0. */
    public int threadCount() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
