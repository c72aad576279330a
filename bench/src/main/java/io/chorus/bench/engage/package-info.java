/**
 * Engagement clients for the storm scenarios: participants, a host and displays, each one WebSocket to
 * the gateway speaking ENGAGE.md's channels; tokens signed with the gateway's HMAC secret; the join API
 * to create the event; and the arithmetic that turns snapshots into tally freshness.
 */
package io.chorus.bench.engage;
