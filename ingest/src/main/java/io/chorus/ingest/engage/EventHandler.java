package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.social.breakout.Breakout;
import java.util.HashSet;
import java.util.Set;

/**
 * The event's own commands: {@code event.create} (the join API sends it on the host channel as
 * {@code system}), {@code event.configure}, {@code event.current} and {@code participant.join}.
 */
public final class EventHandler implements Handler {

    /** Display names: 1..40 characters (ENGAGE.md). */
    static final int NAME_CHARS = 40;
    static final int MAX_REACTIONS = 20;
    static final int REACTION_CHARS = 16;
    static final long MAX_SLOW_MODE_MS = 3_600_000;

    @Override
    public Set<String> types() {
        return Set.of("event.create", "event.configure", "event.current", "participant.join");
    }

    @Override
    public void apply(Command c, Engagement ctx) {
        switch (c.type()) {
            case "event.create" -> create(c, ctx);
            case "event.configure" -> configure(c, ctx);
            case "event.current" -> current(c, ctx);
            default -> join(c, ctx);
        }
    }

    private void create(Command c, Engagement ctx) {
        c.require(Role.HOST);
        if (Events.get(c.event(), ctx) != null) {
            throw Check.invalid("event " + c.event() + " exists");
        }
        String title = Check.text(c.field("title"), "title", 1, ctx.limits().textChars());
        ctx.kv().put(Events.key(c.event()), Events.create(c.event(), title, c.timestamp(), ctx));
        ctx.effects().changed(Channels.event(c.event()));
    }

    private void configure(Command c, Engagement ctx) {
        c.require(Role.HOST);
        ObjectNode event = Events.get(c.event(), ctx);
        if (c.field("title") != null) {
            event.put("title", Check.text(c.field("title"), "title", 1, ctx.limits().textChars()));
        }
        if (c.field("reactions") != null) {
            event.set("reactions", reactions(c.field("reactions"), ctx));
        }
        JsonNode chat = c.field("chat");
        if (chat != null) {
            ObjectNode now = (ObjectNode) event.get("chat");
            now.put("enabled", Check.bool(chat.get("enabled"), "chat.enabled", now.path("enabled").asBoolean(true)));
            now.put("slowModeMs", Check.integer(chat.get("slowModeMs"), "chat.slowModeMs", 0, MAX_SLOW_MODE_MS,
                    now.path("slowModeMs").asLong()));
        }
        JsonNode qa = c.field("qa");
        if (qa != null) {
            ObjectNode now = (ObjectNode) event.get("qa");
            now.put("enabled", Check.bool(qa.get("enabled"), "qa.enabled", now.path("enabled").asBoolean(true)));
            now.put("moderated", Check.bool(qa.get("moderated"), "qa.moderated", now.path("moderated").asBoolean()));
        }
        ctx.kv().put(Events.key(c.event()), event);
        ctx.effects().changed(Channels.event(c.event()));
    }

    private static ArrayNode reactions(JsonNode list, Engagement ctx) {
        if (!list.isArray() || list.isEmpty() || list.size() > MAX_REACTIONS) {
            throw Check.invalid("'reactions' must be a list of 1 to " + MAX_REACTIONS + " emoji");
        }
        ArrayNode out = ctx.json().createArrayNode();
        Set<String> seen = new HashSet<>();
        for (JsonNode r : list) {
            String emoji = Check.text(r, "reactions", 1, REACTION_CHARS);
            if (!seen.add(emoji)) {
                throw Check.invalid("'reactions' has " + emoji + " twice");
            }
            out.add(emoji);
        }
        return out;
    }

    private void current(Command c, Engagement ctx) {
        c.require(Role.PRESENTER);
        ObjectNode event = Events.get(c.event(), ctx);
        JsonNode activity = c.field("activity");
        if (activity == null) {
            event.putNull("current");
        } else {
            String id = Check.id(activity, "activity");
            if (ctx.kv().get(Activity.key(c.event(), id), Activity.class) == null) {
                throw new Refusal(EngageError.UNKNOWN_ACTIVITY, "no activity " + id);
            }
            event.put("current", id);
        }
        ctx.kv().put(Events.key(c.event()), event);
        ctx.effects().changed(Channels.event(c.event()));
    }

    /**
     * Records the display name; a first join counts toward {@code limits.participants}. During a breakout
     * the participant is also put in (or told again) their room.
     */
    private void join(Command c, Engagement ctx) {
        if (c.role() != Role.PARTICIPANT) {
            throw new Refusal(EngageError.FORBIDDEN, "participant.join is sent on engage-in:" + c.event());
        }
        String name = Check.text(c.field("name"), "name", 1, NAME_CHARS);
        String key = Kv.key(c.event(), "participant", c.participant());
        ObjectNode before = ctx.kv().get(key, ObjectNode.class);
        ObjectNode p = ctx.json().createObjectNode();
        p.put("name", name);
        if (before != null) {
            p.set("joinedAt", before.get("joinedAt"));
        } else {
            long count = Events.participants(c.event(), ctx);
            if (count >= ctx.limits().participants()) {
                throw new Refusal(EngageError.LIMIT_REACHED, "the event has its " + ctx.limits().participants()
                        + " participants");
            }
            p.put("joinedAt", c.timestamp());
            Events.setParticipants(c.event(), count + 1, ctx);
            ctx.effects().changed(Channels.event(c.event()));
        }
        ctx.kv().put(key, p);
        // While a breakout is open, a late joiner gets a room and a rejoin hears its room again: the
        // host's breakout.open only assigned those who had joined by then.
        Breakout.assignLate(c.event(), c.participant(), ctx);
        // Their own state ("you"), so a rejoin on a new device sees its votes at once.
        ctx.effects().changed(Channels.me(c.event(), c.participant()));
    }
}
