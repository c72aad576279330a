package io.chorus.ingest.engage.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Refusal;
import java.util.ArrayList;
import java.util.List;

/**
 * The event's settings the social rules obey, read from {@code CODE|event} (written by the lifecycle
 * rules) with the defaults of the shared keys where a field is missing.
 *
 * @param raw the stored event object, for a read-modify-write ({@code chat.slowmode})
 */
public record EventSettings(ObjectNode raw, List<String> reactions, boolean chatEnabled, long slowModeMs,
                            boolean qaEnabled, boolean qaModerated) {

    public static final List<String> DEFAULT_REACTIONS = List.of("👍", "❤️", "😂", "👏", "🎉", "😮");

    public static String key(String code) {
        return Kv.key(code, "event");
    }

    /** The settings of the command's event, else {@code unknown_event}. */
    public static EventSettings of(Command command, Engagement ctx) {
        EventSettings s = read(command.event(), ctx.kv());
        if (s == null) {
            throw new Refusal(EngageError.UNKNOWN_EVENT, "no event '" + command.event() + "'");
        }
        return s;
    }

    /** The settings, or null when the event does not exist. */
    public static EventSettings read(String code, Kv kv) {
        ObjectNode ev = kv.get(key(code), ObjectNode.class);
        if (ev == null) {
            return null;
        }
        List<String> reactions = DEFAULT_REACTIONS;
        if (ev.get("reactions") instanceof com.fasterxml.jackson.databind.node.ArrayNode list) {
            reactions = new ArrayList<>();
            for (JsonNode r : list) {
                if (r.isTextual()) {
                    reactions.add(r.asText());
                }
            }
        }
        JsonNode chat = ev.path("chat");
        JsonNode qa = ev.path("qa");
        return new EventSettings(ev, List.copyOf(reactions), chat.path("enabled").asBoolean(true),
                Math.max(0, chat.path("slowModeMs").asLong(0)), qa.path("enabled").asBoolean(true),
                qa.path("moderated").asBoolean(false));
    }
}
