/**
 * The subscribers of a run. A {@link io.chorus.bench.load.Fleet} opens them, subscribes them, and
 * counts what they receive per {@link io.chorus.bench.load.Step}: unique, duplicate and stale
 * messages per channel (a bit set per subscription), end-to-end latency in an HdrHistogram
 * {@code Recorder}, and catch-up times. {@link io.chorus.bench.load.LocalFleet} holds them in this
 * process; {@link io.chorus.bench.load.ProcessFleet} spreads them over worker JVMs (open-files limit).
 */
package io.chorus.bench.load;
