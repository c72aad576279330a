/**
 * The Chorus benchmark harness: one load generator that speaks Chorus (WebSocket and SSE), Socket.IO 4
 * and Nchan, publishes through each server's own backend path with a send time in every payload, and
 * measures end-to-end latency, loss, duplicates and the server's CPU per delivery.
 *
 * <ul>
 *   <li>{@code wire}: the payload format and each server's subscriber protocol;</li>
 *   <li>{@code publish}: each server's backend publishing path, paced at a fixed rate;</li>
 *   <li>{@code load}: the subscribers of a run, in this process or spread over worker processes;</li>
 *   <li>{@code proc}: CPU and memory of the server processes, from {@code /proc} and {@code jcmd};</li>
 *   <li>{@code engage}: engagement clients (participants, host, displays) and tally freshness;</li>
 *   <li>{@code scenario}: fan-out, many channels, idle memory, resume storm, SSE fan-out, vote and
 *       reaction storms;</li>
 *   <li>{@code report}: the JSON result files.</li>
 * </ul>
 */
package io.chorus.bench;
