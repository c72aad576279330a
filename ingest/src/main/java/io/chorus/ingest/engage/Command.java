package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One command as ingest applies it.
 *
 * @param event       the event's code (from the channel name)
 * @param role        who sent it (from the channel name)
 * @param participant the sender's id: the record's {@code chorus-client} header (the token's {@code sub})
 * @param id          the command id: the record's {@code chorus-id} header, else its topic, partition and offset
 * @param timestamp   the record's timestamp (the gateway's publish time): deadlines compare against it, so a
 *                    replay decides the same way
 * @param type        the command's {@code type}
 * @param body        the whole command object
 */
public record Command(String event, Role role, String participant, String id, long timestamp, String type,
                      ObjectNode body) {

    /** A required text field, else {@code invalid_command}. */
    public String text(String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual()) {
            throw new Refusal(EngageError.INVALID_COMMAND, "'" + field + "' must be a string");
        }
        return n.asText();
    }

    /** A required integer field, else {@code invalid_command}. */
    public long integer(String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.canConvertToLong() || !n.isIntegralNumber()) {
            throw new Refusal(EngageError.INVALID_COMMAND, "'" + field + "' must be an integer");
        }
        return n.asLong();
    }

    /** An optional field, or null. */
    public JsonNode field(String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n;
    }

    /** Refuses the command unless the sender has {@code needed} (the host covers every staff role). */
    public void require(Role needed) {
        if (!role.covers(needed)) {
            throw new Refusal(EngageError.FORBIDDEN, "'" + type + "' needs the " + needed.name().toLowerCase(
                    java.util.Locale.ROOT) + " role");
        }
    }
}
