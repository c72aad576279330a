package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** The event record ({@code CODE|event}) and the event-wide keys the lifecycle keeps. */
public final class Events {

    public static final List<String> DEFAULT_REACTIONS = List.of("👍", "❤️", "😂", "👏", "🎉", "😮");

    private Events() {
    }

    public static String key(String code) {
        return Kv.key(code, "event");
    }

    /** The event, or null. */
    public static ObjectNode get(String code, Engagement ctx) {
        return ctx.kv().get(key(code), ObjectNode.class);
    }

    /** A new event as {@code event.create} stores it (the shared-keys contract). */
    static ObjectNode create(String code, String title, long at, Engagement ctx) {
        ObjectNode e = ctx.json().createObjectNode();
        e.put("code", code);
        e.put("title", title);
        e.put("createdAt", at);
        e.putNull("current");
        ArrayNode reactions = e.putArray("reactions");
        DEFAULT_REACTIONS.forEach(reactions::add);
        ObjectNode chat = e.putObject("chat");
        chat.put("enabled", true);
        chat.put("slowModeMs", 0);
        ObjectNode qa = e.putObject("qa");
        qa.put("enabled", true);
        qa.put("moderated", false);
        return e;
    }

    /** How many participants joined ({@code CODE|participants}). */
    public static long participants(String code, Engagement ctx) {
        ObjectNode n = ctx.kv().get(Kv.key(code, "participants"), ObjectNode.class);
        return n == null ? 0 : n.path("n").asLong();
    }

    static void setParticipants(String code, long n, Engagement ctx) {
        ObjectNode v = ctx.json().createObjectNode();
        v.put("n", n);
        ctx.kv().put(Kv.key(code, "participants"), v);
    }

    /** The event's activities in creation order (the index {@code CODE|actorder|NNNNNN}). */
    public static List<Activity> activities(String code, Engagement ctx) {
        List<String> ids = new ArrayList<>();
        ctx.kv().scan(Kv.key(code, "actorder", ""), ObjectNode.class, (k, v) -> ids.add(v.path("id").asText()));
        List<Activity> out = new ArrayList<>();
        for (String id : ids) {
            Activity a = ctx.kv().get(Activity.key(code, id), Activity.class);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    static int activityCount(String code, Engagement ctx) {
        ObjectNode n = ctx.kv().get(Kv.key(code, "activities"), ObjectNode.class);
        return n == null ? 0 : n.path("n").asInt();
    }

    static void addActivity(String code, String id, Engagement ctx) {
        int n = activityCount(code, ctx) + 1;
        ObjectNode count = ctx.json().createObjectNode();
        count.put("n", n);
        ctx.kv().put(Kv.key(code, "activities"), count);
        ObjectNode entry = ctx.json().createObjectNode();
        entry.put("id", id);
        ctx.kv().put(Kv.key(code, "actorder", String.format("%06d", n)), entry);
    }
}
