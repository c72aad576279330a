/**
 * Reactions: {@code react} with a per-participant rate limit (a sliding window over record timestamps),
 * counted into short buckets of record time and a running total, and the view
 * {@code engage:CODE:reactions}. Only the buckets of the last window are kept, so the state per event is
 * bounded whatever the audience sends.
 */
package io.chorus.ingest.engage.social.reactions;
