package io.chorus.ingest.engage.quiz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** One question of a stored (already checked) quiz definition. */
record Question(int index, String text, ArrayNode options, String correct, long timeLimitMs) {

    /** The stored definition's questions (checked by {@link QuizDefinition#define}). */
    static int count(ObjectNode definition) {
        return definition.path("questions").size();
    }

    static Question of(ObjectNode definition, int index) {
        JsonNode q = definition.path("questions").get(index);
        return new Question(index, q.path("text").asText(), (ArrayNode) q.path("options"),
                q.path("correct").asText(), q.path("timeLimitMs").asLong());
    }

    boolean hasOption(String id) {
        for (JsonNode option : options) {
            if (option.path("id").asText().equals(id)) {
                return true;
            }
        }
        return false;
    }

    List<String> optionIds() {
        List<String> ids = new ArrayList<>(options.size());
        options.forEach(o -> ids.add(o.path("id").asText()));
        return ids;
    }

    /** The question as the audience sees it: {@code correct} only once revealed. */
    ObjectNode render(ObjectNode into, boolean revealed) {
        into.put("index", index);
        into.put("text", text);
        into.set("options", options.deepCopy());
        into.put("timeLimitMs", timeLimitMs);
        if (revealed) {
            into.put("correct", correct);
        }
        return into;
    }
}
