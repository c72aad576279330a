package io.chorus.client.engage;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code event.configure}'s fields; null leaves reactions, chat or Q&A as they are.
 *
 * @param reactions the emoji the audience may send
 * @param chat      chat on or off, and slow mode
 * @param qa        Q&A on or off, and whether questions wait for moderation
 */
public record EventSettings(String title, List<String> reactions, Chat chat, Qa qa) {

    public EventSettings {
        Checks.text(title, "title");
        if (reactions != null) {
            reactions.forEach(r -> Checks.text(r, "reaction"));
            reactions = List.copyOf(reactions);
        }
    }

    public static EventSettings titled(String title) {
        return new EventSettings(title, null, null, null);
    }

    public EventSettings withReactions(List<String> emoji) {
        return new EventSettings(title, emoji, chat, qa);
    }

    public EventSettings withChat(Chat c) {
        return new EventSettings(title, reactions, c, qa);
    }

    public EventSettings withQa(Qa q) {
        return new EventSettings(title, reactions, chat, q);
    }

    ObjectNode toCommand() {
        ObjectNode c = JsonNodeFactory.instance.objectNode().put("type", "event.configure").put("title", title);
        if (reactions != null) {
            c.set("reactions", StaffCommand.strings(reactions));
        }
        if (chat != null) {
            c.putObject("chat").put("enabled", chat.enabled()).put("slowModeMs", chat.slowModeMs());
        }
        if (qa != null) {
            c.putObject("qa").put("enabled", qa.enabled()).put("moderated", qa.moderated());
        }
        return c;
    }

    /** @param slowModeMs at most one message per participant this often; 0: off */
    public record Chat(boolean enabled, long slowModeMs) {
        public Chat {
            if (slowModeMs < 0) {
                throw Checks.invalid("slowModeMs must be >= 0, was " + slowModeMs);
            }
        }
    }

    public record Qa(boolean enabled, boolean moderated) {
    }
}
