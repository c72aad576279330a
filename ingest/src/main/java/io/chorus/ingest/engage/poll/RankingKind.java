package io.chorus.ingest.engage.poll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.Check;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Limits;
import io.chorus.ingest.engage.Refusal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ranking}: every option once, best first; results are Borda points (n−1 for first, 0 for last)
 * per option, highest first (ties in option order).
 */
final class RankingKind extends PollKind {

    @Override
    public String kind() {
        return "ranking";
    }

    @Override
    public ObjectNode define(ObjectNode command, Limits limits) {
        ObjectNode d = command.objectNode();
        d.set("options", Options.parse(command.get("options"), limits, 2));
        return d;
    }

    @Override
    ObjectNode parse(Command c, Activity a, Engagement ctx) {
        Set<String> ids = Options.ids(a.definition());
        JsonNode ranking = c.field("ranking");
        if (ranking == null || !ranking.isArray()) {
            throw Check.invalid("'ranking' must list every option id once, best first");
        }
        Set<String> seen = new HashSet<>();
        ArrayNode out = ctx.json().createArrayNode();
        for (JsonNode n : ranking) {
            if (!n.isTextual() || !ids.contains(n.asText())) {
                throw new Refusal(EngageError.UNKNOWN_OPTION, "no option " + n);
            }
            if (!seen.add(n.asText())) {
                throw Check.invalid("option " + n.asText() + " is ranked twice");
            }
            out.add(n.asText());
        }
        if (seen.size() != ids.size()) {
            throw Check.invalid("'ranking' must list every option id once, best first");
        }
        ObjectNode r = ctx.json().createObjectNode();
        r.set("ranking", out);
        return r;
    }

    @Override
    void tally(Activity a, ObjectNode tally, ObjectNode response, int sign) {
        JsonNode order = response.get("ranking");
        int n = order.size();
        for (int i = 0; i < n; i++) {
            bump(tally, "points", order.get(i).asText(), (long) sign * (n - 1 - i));
        }
    }

    @Override
    void results(Activity a, String part, ObjectNode tally, ObjectNode out, Engagement ctx) {
        List<String> ids = new ArrayList<>(Options.ids(a.definition()));
        List<String> order = new ArrayList<>(ids);
        order.sort((x, y) -> {
            int byPoints = Long.compare(tally.path("points").path(y).asLong(), tally.path("points").path(x).asLong());
            return byPoints != 0 ? byPoints : Integer.compare(ids.indexOf(x), ids.indexOf(y));
        });
        ArrayNode ranking = out.putArray("ranking");
        for (String id : order) {
            ObjectNode row = ranking.addObject();
            row.put("id", id);
            row.put("points", tally.path("points").path(id).asLong());
        }
    }
}
