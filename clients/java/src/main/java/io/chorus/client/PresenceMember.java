package io.chorus.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One member of a channel's presence: a client id that entered it (PROTOCOL.md, "Members").
 *
 * @param clientId  the token's {@code sub} (an anonymous client's connection id)
 * @param data      the data it entered or last updated with; a JSON null node when none was given
 * @param updatedAt when that data was set, epoch milliseconds
 */
public record PresenceMember(String clientId, JsonNode data, long updatedAt) {
}
