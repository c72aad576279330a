package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code engage-me:CODE:PID}'s own state, {@code {type:"you", votes:{ACTIVITY: response}, score, team}}:
 * the participant's response to each activity in its current round, and the {@code score} and
 * {@code team} of the latest activity whose response carries them (a quiz).
 */
public final class YouRenderer implements Renderer {

    private final Map<String, ActivityKind> kinds;

    public YouRenderer(List<ActivityKind> kinds) {
        this.kinds = kinds.stream().collect(Collectors.toMap(ActivityKind::kind, Function.identity()));
    }

    @Override
    public ObjectNode render(String channel, Engagement ctx) {
        String[] parts = channel.split(":", 3);
        if (parts.length != 3 || !parts[0].equals("engage-me") || !ctx.kv().has(Events.key(parts[1]))) {
            return null;
        }
        String participant = parts[2];
        ObjectNode you = ctx.json().createObjectNode();
        you.put("type", "you");
        ObjectNode votes = you.putObject("votes");
        you.putNull("score");
        you.putNull("team");
        for (Activity a : Events.activities(parts[1], ctx)) {
            ActivityKind kind = kinds.get(a.kind());
            if (kind == null || a.round() < 1) {
                continue;
            }
            ObjectNode response = kind.responseOf(a, participant, ctx);
            if (response == null) {
                continue;
            }
            if (!response.has("round")) {
                response.put("round", a.round()); // the SDK tells this round's response from last round's
            }
            votes.set(a.id(), response);
            if (response.has("score")) {
                you.set("score", response.get("score"));
            }
            if (response.has("team")) {
                you.set("team", response.get("team"));
            }
        }
        return you;
    }
}
