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
import java.util.HashSet;
import java.util.Set;

/** {@code choice}: pick 1..{@code maxChoices} of the options (1 = single choice); results are counts per option. */
final class ChoiceKind extends PollKind {

    @Override
    public String kind() {
        return "choice";
    }

    @Override
    public ObjectNode define(ObjectNode command, Limits limits) {
        ObjectNode d = command.objectNode();
        ArrayNode options = Options.parse(command.get("options"), limits, 2);
        d.set("options", options);
        d.put("maxChoices", Check.integer(command.get("maxChoices"), "maxChoices", 1, options.size(), 1));
        return d;
    }

    @Override
    ObjectNode parse(Command c, Activity a, Engagement ctx) {
        JsonNode choices = c.field("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            throw Check.invalid("'choices' must be a list of option ids");
        }
        int max = a.definition().path("maxChoices").asInt(1);
        if (choices.size() > max) {
            throw new Refusal(EngageError.TOO_MANY_CHOICES, "choose at most " + max);
        }
        Set<String> ids = Options.ids(a.definition());
        Set<String> seen = new HashSet<>();
        ArrayNode out = ctx.json().createArrayNode();
        for (JsonNode n : choices) {
            if (!n.isTextual() || !ids.contains(n.asText())) {
                throw new Refusal(EngageError.UNKNOWN_OPTION, "no option " + n);
            }
            if (!seen.add(n.asText())) {
                throw Check.invalid("option " + n.asText() + " is chosen twice");
            }
            out.add(n.asText());
        }
        ObjectNode r = ctx.json().createObjectNode();
        r.set("choices", out);
        return r;
    }

    @Override
    void tally(Activity a, ObjectNode tally, ObjectNode response, int sign) {
        for (JsonNode id : response.get("choices")) {
            bump(tally, "counts", id.asText(), sign);
        }
    }

    @Override
    void results(Activity a, String part, ObjectNode tally, ObjectNode out, Engagement ctx) {
        ObjectNode counts = out.putObject("counts");
        for (JsonNode o : a.definition().get("options")) {
            String id = o.get("id").asText();
            counts.put(id, tally.path("counts").path(id).asLong());
        }
    }
}
