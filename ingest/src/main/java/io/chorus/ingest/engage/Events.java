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

    /**
     * The event's activities in creation order: the ids listed in {@code CODE|activities} (one lookup;
     * a participant's {@code you} snapshot reads this on every vote), or, for an event created before the
     * list was kept there, the index {@code CODE|actorder|NNNNNN} read by number up to its count.
     */
    public static List<Activity> activities(String code, Engagement ctx) {
        ObjectNode index = ctx.kv().get(Kv.key(code, "activities"), ObjectNode.class);
        if (index == null) {
            return List.of();
        }
        List<String> ids = ids(code, index, ctx);
        List<Activity> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            Activity a = ctx.kv().get(Activity.key(code, id), Activity.class);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** The ids an index lists, or for an index from before the list, those its order keys hold. */
    private static List<String> ids(String code, ObjectNode index, Engagement ctx) {
        List<String> ids = new ArrayList<>();
        if (index.has("ids")) {
            index.get("ids").forEach(id -> ids.add(id.asText()));
            return ids;
        }
        for (int n = 1; n <= index.path("n").asInt(); n++) {
            ObjectNode entry = ctx.kv().get(orderKey(code, n), ObjectNode.class);
            if (entry != null) {
                ids.add(entry.path("id").asText());
            }
        }
        return ids;
    }

    private static String orderKey(String code, int n) {
        String digits = Integer.toString(n);
        return Kv.key(code, "actorder", digits.length() >= 6 ? digits : "000000".substring(digits.length()) + digits);
    }

    static int activityCount(String code, Engagement ctx) {
        ObjectNode n = ctx.kv().get(Kv.key(code, "activities"), ObjectNode.class);
        return n == null ? 0 : n.path("n").asInt();
    }

    /**
     * Counts a new activity and lists it: {@code CODE|activities} holds the count and the ids in creation
     * order (at most {@code limits.activities}), {@code CODE|actorder|NNNNNN} the same order key by key.
     */
    static void addActivity(String code, String id, Engagement ctx) {
        ObjectNode index = ctx.kv().get(Kv.key(code, "activities"), ObjectNode.class);
        int n = index == null ? 1 : index.path("n").asInt() + 1;
        ObjectNode next = ctx.json().createObjectNode();
        next.put("n", n);
        ArrayNode ids = next.putArray("ids");
        if (index != null) {
            ids(code, index, ctx).forEach(ids::add);
        }
        ids.add(id);
        ctx.kv().put(Kv.key(code, "activities"), next);
        ObjectNode entry = ctx.json().createObjectNode();
        entry.put("id", id);
        ctx.kv().put(orderKey(code, n), entry);
    }
}
