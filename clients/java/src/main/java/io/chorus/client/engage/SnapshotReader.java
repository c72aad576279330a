package io.chorus.client.engage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads ENGAGE.md's snapshots into the typed records. Strict about what identifies a snapshot (type,
 * seq, id, kind, state), lenient about the rest (a missing list is empty), so a server that adds a
 * field breaks nothing. An unreadable snapshot throws {@link EngageException} {@code unexpected}.
 */
final class SnapshotReader {

    private SnapshotReader() {
    }

    static EventSnapshot event(JsonNode n) {
        expectType(n, "event");
        List<EventSnapshot.Activity> activities = list(n.path("activities"), a -> new EventSnapshot.Activity(
                text(a, "id"), kind(a), a.path("title").asText(""), state(a), a.path("round").asInt(0)));
        return new EventSnapshot(seq(n), text(n, "code"), n.path("title").asText(""), n.path("createdAt").asLong(0),
                n.path("current").isTextual() ? n.get("current").asText() : null, activities,
                n.path("participants").asLong(0), n);
    }

    static ActivitySnapshot activity(JsonNode n) {
        expectType(n, "activity");
        JsonNode r = n.path("results");
        return new ActivitySnapshot(seq(n), text(n, "id"), kind(n), n.path("title").asText(""), state(n),
                n.path("round").asInt(0), n.path("openedAt").asLong(0), n.path("responses").asLong(0),
                r.isObject() ? results(r) : null, n);
    }

    private static Results results(JsonNode r) {
        Map<String, Long> counts = new HashMap<>();
        r.path("counts").fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong(0)));
        Results.Ratings ratings = null;
        JsonNode rt = r.path("ratings");
        if (rt.isObject()) {
            Map<Integer, Long> histogram = new HashMap<>();
            rt.path("histogram").fields().forEachRemaining(e -> {
                try {
                    histogram.put(Integer.parseInt(e.getKey()), e.getValue().asLong(0));
                } catch (NumberFormatException bad) {
                    throw unreadable("a rating histogram key is not an integer: " + Checks.quote(e.getKey()));
                }
            });
            ratings = new Results.Ratings(histogram, rt.path("count").asLong(0), rt.path("mean").asDouble(0));
        }
        return new Results(counts, ratings,
                list(r.path("ranking"), x -> new Results.Ranked(text(x, "id"), x.path("points").asLong(0))),
                list(r.path("words"), x -> new Results.WordCount(text(x, "word"), x.path("count").asLong(0))),
                list(r.path("texts"), x -> new Results.TextAnswer(text(x, "text"), x.path("at").asLong(0))),
                list(r.path("leaderboard"), x -> new Results.Score(text(x, "participant"), x.path("name").asText(""),
                        x.path("score").asLong(0))),
                r);
    }

    private static void expectType(JsonNode n, String type) {
        if (n == null || !n.isObject() || !type.equals(n.path("type").asText(null))) {
            throw unreadable("not a snapshot of type " + type);
        }
    }

    private static long seq(JsonNode n) {
        if (!n.path("seq").canConvertToLong()) {
            throw unreadable("the snapshot has no seq");
        }
        return n.get("seq").asLong();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (!v.isTextual()) {
            throw unreadable("'" + field + "' is missing or not a string");
        }
        return v.asText();
    }

    private static ActivityKind kind(JsonNode n) {
        ActivityKind k = ActivityKind.of(n.path("kind").asText(null));
        if (k == null) {
            throw unreadable("unknown activity kind " + Checks.quote(n.path("kind").asText(null)));
        }
        return k;
    }

    private static ActivityState state(JsonNode n) {
        ActivityState s = ActivityState.of(n.path("state").asText(null));
        if (s == null) {
            throw unreadable("unknown activity state " + Checks.quote(n.path("state").asText(null)));
        }
        return s;
    }

    private static <T> List<T> list(JsonNode array, Function<JsonNode, T> item) {
        List<T> out = new ArrayList<>();
        if (array.isArray()) {
            for (JsonNode x : array) {
                out.add(item.apply(x));
            }
        }
        return out;
    }

    private static EngageException unreadable(String why) {
        return new EngageException(EngageErrorCode.UNEXPECTED, "unreadable snapshot: " + why);
    }
}
