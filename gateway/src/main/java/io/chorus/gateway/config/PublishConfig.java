package io.chorus.gateway.config;

import java.time.Duration;

/**
 * Client publishes. A record whose channel and id appeared on its partition within
 * {@code dedupWindow} of record time and {@code dedupRecords} offsets before it is a repeat, which no
 * reader delivers; {@code dedupRecords} also bounds the pod's id index per partition and its pre-read.
 * {@code timeout} bounds the wait for any publish's answer; {@code maxInFlight} the publishes waiting.
 */
public record PublishConfig(Duration dedupWindow, int dedupRecords, Duration timeout, int maxInFlight) {
}
