package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code engage:CODE} ({@code type: "event"}): the title, what is current, the activities, the slides and
 * breakout state as their features stored them, the event's settings and the participant count.
 */
public final class EventRenderer implements Renderer {

    @Override
    public ObjectNode render(String channel, Engagement ctx) {
        String[] parts = channel.split(":", -1);
        if (parts.length != 2 || !parts[0].equals("engage")) {
            return null;
        }
        String code = parts[1];
        ObjectNode event = Events.get(code, ctx);
        if (event == null) {
            return null;
        }
        ObjectNode s = ctx.json().createObjectNode();
        s.put("type", "event");
        s.put("code", code);
        s.set("title", event.get("title"));
        s.set("createdAt", event.get("createdAt"));
        s.set("current", event.get("current"));
        ArrayNode activities = s.putArray("activities");
        for (Activity a : Events.activities(code, ctx)) {
            ObjectNode item = activities.addObject();
            item.put("id", a.id());
            item.put("kind", a.kind());
            item.put("title", a.title());
            item.put("state", a.state());
            item.put("round", a.round());
        }
        s.set("slides", orNull(ctx.kv().get(Kv.key(code, "slides"), ObjectNode.class), ctx));
        s.set("breakout", orNull(ctx.kv().get(Kv.key(code, "breakout"), ObjectNode.class), ctx));
        s.set("reactions", event.get("reactions"));
        s.set("chat", event.get("chat"));
        s.set("qa", event.get("qa"));
        s.put("participants", Events.participants(code, ctx));
        return s;
    }

    private static com.fasterxml.jackson.databind.JsonNode orNull(ObjectNode node, Engagement ctx) {
        return node == null ? ctx.json().nullNode() : node;
    }
}
