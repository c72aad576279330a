package io.chorus.client.engage;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code engage:CODE:a:ACTIVITY}: one activity, its round and (when visible) its results. The
 * definition's fields (options, min/max, a quiz's questions) are in {@link #raw()}.
 *
 * @param seq       increases per channel; a newer snapshot has a higher one
 * @param openedAt  epoch ms of the round's open, or 0 before the first
 * @param responses respondents this round
 * @param results   null when the snapshot carries none (visibility {@code closed} before close)
 */
public record ActivitySnapshot(long seq, String id, ActivityKind kind, String title, ActivityState state, int round,
                               long openedAt, long responses, Results results, JsonNode raw) {
}
