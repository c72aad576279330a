package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code engage:CODE:a:ID} ({@code type: "activity"}): the lifecycle fields, then the kind's part. Results
 * are visible per the {@code results} setting: {@code live} and {@code voted} always (the SDK shows
 * {@code voted} results only to those who responded), {@code closed} once the activity is closed.
 */
public final class ActivityRenderer implements Renderer {

    private final Map<String, ActivityKind> kinds;

    public ActivityRenderer(List<ActivityKind> kinds) {
        this.kinds = kinds.stream().collect(Collectors.toMap(ActivityKind::kind, Function.identity()));
    }

    @Override
    public ObjectNode render(String channel, Engagement ctx) {
        String[] parts = channel.split(":", -1);
        if (parts.length != 4 || !parts[0].equals("engage") || !parts[2].equals("a")) {
            return null;
        }
        Activity a = ctx.kv().get(Activity.key(parts[1], parts[3]), Activity.class);
        ActivityKind kind = a == null ? null : kinds.get(a.kind());
        if (kind == null) {
            return null;
        }
        ObjectNode s = ctx.json().createObjectNode();
        s.put("type", "activity");
        s.put("id", a.id());
        s.put("kind", a.kind());
        s.put("title", a.title());
        s.put("state", a.state());
        s.put("round", a.round());
        s.put("openedAt", a.openedAt());
        s.set("settings", a.settings());
        kind.render(a, resultsVisible(a), s, ctx);
        return s;
    }

    static boolean resultsVisible(Activity a) {
        return switch (a.settings().path("results").asText("live")) {
            case "closed" -> Activity.CLOSED.equals(a.state()) || Activity.RESULTS.equals(a.state());
            default -> true;
        };
    }
}
