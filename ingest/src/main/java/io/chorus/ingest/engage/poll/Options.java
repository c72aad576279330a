package io.chorus.ingest.engage.poll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Check;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Limits;
import io.chorus.ingest.engage.Refusal;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/** A poll's {@code options}: {@code [{id, label}]}, ids unique and {@code [A-Za-z0-9_-]{1,32}}. */
final class Options {

    private Options() {
    }

    static ArrayNode parse(JsonNode options, Limits limits, int min) {
        if (options == null || !options.isArray() || options.size() < min) {
            throw Check.invalid("'options' must be a list of at least " + min + " {id, label}");
        }
        if (options.size() > limits.options()) {
            throw new Refusal(EngageError.LIMIT_REACHED, "at most " + limits.options() + " options");
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        Set<String> seen = new HashSet<>();
        for (JsonNode o : options) {
            if (!o.isObject()) {
                throw Check.invalid("'options' must be a list of {id, label}");
            }
            String id = Check.id(o.get("id"), "options.id");
            if (!seen.add(id)) {
                throw Check.invalid("option id " + id + " is used twice");
            }
            ObjectNode option = out.addObject();
            option.put("id", id);
            option.put("label", Check.text(o.get("label"), "options.label", 1, limits.textChars()));
        }
        return out;
    }

    static Set<String> ids(ObjectNode definition) {
        Set<String> ids = new LinkedHashSet<>();
        definition.path("options").forEach(o -> ids.add(o.path("id").asText()));
        return ids;
    }
}
