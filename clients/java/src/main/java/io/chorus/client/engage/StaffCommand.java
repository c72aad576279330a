package io.chorus.client.engage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One staff command of ENGAGE.md and the role whose channel ({@code engage-ctl:CODE:ROLE}) it goes
 * on. Immutable; built only by the factories, which check the fields ENGAGE.md fixes and throw
 * {@link EngageException} ({@code invalid_command}). Send with {@link Host#send}.
 */
public final class StaffCommand {

    /** The role a command needs; the host token may publish on all three channels. */
    public enum Role {
        HOST, MODERATOR, PRESENTER;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How {@code breakout.open} fills the rooms; {@code CHOSEN} takes explicit assignments. */
    public enum Assign {
        EVEN, RANDOM, CHOSEN;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A moderation decision for a question or a poll entry. */
    public enum Status {
        PUBLISHED, DISMISSED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Role role;
    private final ObjectNode body;

    private StaffCommand(Role role, ObjectNode body) {
        this.role = role;
        this.body = body;
    }

    public Role role() {
        return role;
    }

    public String type() {
        return body.get("type").asText();
    }

    /** A copy of the command's JSON (the publish's data). */
    public ObjectNode toJson() {
        return body.deepCopy();
    }

    @Override
    public String toString() {
        return role.code() + " " + body;
    }

    private static ObjectNode typed(String type) {
        return JSON.objectNode().put("type", type);
    }

    private static StaffCommand host(ObjectNode body) {
        return new StaffCommand(Role.HOST, body);
    }

    private static StaffCommand moderator(ObjectNode body) {
        return new StaffCommand(Role.MODERATOR, body);
    }

    /** {@code event.configure}. */
    public static StaffCommand configure(EventSettings settings) {
        return host(Checks.notNull(settings, "settings").toCommand());
    }

    /** {@code activity.create} from a typed definition. */
    public static StaffCommand create(ActivityDefinition definition) {
        return host(Checks.notNull(definition, "definition").toCommand());
    }

    /** {@code activity.open}: round 1, or a new round after close or reveal. */
    public static StaffCommand open(String activity) {
        return lifecycle("activity.open", activity);
    }

    public static StaffCommand close(String activity) {
        return lifecycle("activity.close", activity);
    }

    public static StaffCommand reveal(String activity) {
        return lifecycle("activity.reveal", activity);
    }

    /** {@code activity.rerun}: a new round, empty results, open. */
    public static StaffCommand rerun(String activity) {
        return lifecycle("activity.rerun", activity);
    }

    /** {@code event.current}: what every screen shows; null for nothing. */
    public static StaffCommand current(String activity) {
        ObjectNode b = typed("event.current");
        if (activity == null) {
            b.putNull("activity");
        } else {
            b.put("activity", Checks.id(activity, "activity"));
        }
        return host(b);
    }

    /** {@code quiz.next}: opens the quiz's next question. */
    public static StaffCommand quizNext(String activity) {
        return lifecycle("quiz.next", activity);
    }

    /** {@code quiz.reveal}: shows the current question's answer and scores it. */
    public static StaffCommand quizReveal(String activity) {
        return lifecycle("quiz.reveal", activity);
    }

    /** {@code qa.moderate}: null leaves a field as it is. */
    public static StaffCommand moderateQuestion(String question, Status status, Boolean pinned, Boolean answered) {
        ObjectNode b = typed("qa.moderate").put("question", Checks.text(question, "question"));
        if (status != null) {
            b.put("status", status.code());
        }
        if (pinned != null) {
            b.put("pinned", pinned);
        }
        if (answered != null) {
            b.put("answered", answered);
        }
        return moderator(b);
    }

    /** {@code poll.moderate}: an open-text or word-cloud entry ({@code ROUND.PID}) of a moderated activity. */
    public static StaffCommand moderateEntry(String activity, String entry, Status status) {
        return moderator(typed("poll.moderate").put("activity", Checks.id(activity, "activity"))
                .put("entry", Checks.text(entry, "entry")).put("status", Checks.notNull(status, "status").code()));
    }

    /** {@code chat.delete}. */
    public static StaffCommand deleteChat(String message) {
        return moderator(typed("chat.delete").put("message", Checks.text(message, "message")));
    }

    public static StaffCommand ban(String participant) {
        return moderator(typed("participant.ban").put("participant", Checks.text(participant, "participant")));
    }

    public static StaffCommand unban(String participant) {
        return moderator(typed("participant.unban").put("participant", Checks.text(participant, "participant")));
    }

    /** {@code chat.slowmode}: at most one message per participant every {@code slowModeMs} (0: off). */
    public static StaffCommand slowMode(long slowModeMs) {
        if (slowModeMs < 0) {
            throw Checks.invalid("slowModeMs must be >= 0, was " + slowModeMs);
        }
        return moderator(typed("chat.slowmode").put("slowModeMs", slowModeMs));
    }

    /** {@code slides.show}; {@code state} (a step, a video time; at most 1 KiB) may be null. */
    public static StaffCommand showSlide(String deck, int slide, ObjectNode state) {
        if (slide < 0) {
            throw Checks.invalid("slide must be >= 0, was " + slide);
        }
        ObjectNode b = typed("slides.show").put("deck", Checks.text(deck, "deck")).put("slide", slide);
        if (state != null) {
            b.set("state", state.deepCopy());
        }
        return host(b);
    }

    /**
     * {@code breakout.open} with {@code rooms} rooms; {@code assignments} (participant to room, from 1)
     * only with {@link Assign#CHOSEN}; {@code activity} (a poll run in every room) may be null.
     */
    public static StaffCommand openBreakout(int rooms, Assign assign, Map<String, Integer> assignments, String activity) {
        if (rooms < 1) {
            throw Checks.invalid("rooms must be >= 1, was " + rooms);
        }
        Checks.notNull(assign, "assign");
        if ((assign == Assign.CHOSEN) != (assignments != null)) {
            throw Checks.invalid("assignments go with assign CHOSEN, and only with it");
        }
        ObjectNode b = typed("breakout.open").put("rooms", rooms).put("assign", assign.code());
        if (assignments != null) {
            ObjectNode a = b.putObject("assignments");
            assignments.forEach((pid, room) -> a.put(Checks.text(pid, "participant"),
                    Checks.range(Checks.notNull(room, "room"), 1, rooms, "room of " + pid)));
        }
        if (activity != null) {
            b.put("activity", Checks.id(activity, "activity"));
        }
        return host(b);
    }

    public static StaffCommand closeBreakout() {
        return host(typed("breakout.close"));
    }

    /**
     * Any command by its type and fields, for what this SDK does not type yet. The fields must not
     * contain {@code type}.
     */
    public static StaffCommand of(Role role, String type, ObjectNode fields) {
        Checks.notNull(role, "role");
        ObjectNode b = typed(Checks.text(type, "type"));
        if (fields != null) {
            if (fields.has("type")) {
                throw Checks.invalid("fields must not contain type");
            }
            b.setAll(fields.deepCopy());
        }
        return new StaffCommand(role, b);
    }

    private static StaffCommand lifecycle(String type, String activity) {
        return host(typed(type).put("activity", Checks.id(activity, "activity")));
    }

    static ArrayNode strings(List<String> values) {
        ArrayNode a = JSON.arrayNode();
        values.forEach(a::add);
        return a;
    }
}
