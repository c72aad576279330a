package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a handler or renderer works with: the state, the effects, the limits and the clock.
 *
 * @param now wall-clock time when punctuating (deadlines passing), else the command's timestamp
 */
public record Engagement(Kv kv, Effects effects, Limits limits, ObjectMapper json, long now) {
}
