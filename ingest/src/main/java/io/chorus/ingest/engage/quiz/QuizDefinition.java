package io.chorus.ingest.engage.quiz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Limits;
import io.chorus.ingest.engage.Refusal;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the quiz fields of {@code activity.create} and keeps only those, normalized. A refusal names
 * the field by its path ({@code questions[2].options[0].id}), so a host tool can point at it. Counts over
 * a configured limit are {@code limit_reached}; anything else malformed is {@code invalid_command}.
 */
final class QuizDefinition {

    static final Pattern OPTION_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    static final long MIN_TIME_LIMIT_MS = 5_000;
    static final long MAX_TIME_LIMIT_MS = 300_000;
    static final int MAX_TEAMS = 20;
    static final int TEAM_NAME_CHARS = 40;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private QuizDefinition() {
    }

    static ObjectNode define(ObjectNode command, Limits limits) {
        ObjectNode out = NODES.objectNode();
        JsonNode questions = command.get("questions");
        if (questions == null || !questions.isArray() || questions.isEmpty()) {
            throw invalid("'questions' must be a non-empty array");
        }
        if (questions.size() > limits.quizQuestions()) {
            throw new Refusal(EngageError.LIMIT_REACHED, "'questions' has " + questions.size()
                    + " questions; at most " + limits.quizQuestions());
        }
        ArrayNode qs = out.putArray("questions");
        for (int i = 0; i < questions.size(); i++) {
            qs.add(question(questions.get(i), "questions[" + i + "]", limits));
        }
        out.set("teams", teams(command.get("teams")));
        return out;
    }

    private static ObjectNode question(JsonNode q, String path, Limits limits) {
        if (!q.isObject()) {
            throw invalid("'" + path + "' must be an object");
        }
        ObjectNode out = NODES.objectNode();
        out.put("text", text(q.get("text"), path + ".text", limits.textChars()));
        JsonNode options = q.get("options");
        if (options == null || !options.isArray() || options.size() < 2) {
            throw invalid("'" + path + ".options' must be an array of at least 2 options");
        }
        if (options.size() > limits.options()) {
            throw new Refusal(EngageError.LIMIT_REACHED, "'" + path + ".options' has " + options.size()
                    + " options; at most " + limits.options());
        }
        ArrayNode opts = out.putArray("options");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < options.size(); i++) {
            String at = path + ".options[" + i + "]";
            JsonNode o = options.get(i);
            if (!o.isObject()) {
                throw invalid("'" + at + "' must be an object {id, label}");
            }
            JsonNode id = o.get("id");
            if (id == null || !id.isTextual() || !OPTION_ID.matcher(id.asText()).matches()) {
                throw invalid("'" + at + ".id' must match [A-Za-z0-9_-]{1,32}");
            }
            if (!ids.add(id.asText())) {
                throw invalid("'" + at + ".id' repeats '" + id.asText() + "'");
            }
            opts.addObject().put("id", id.asText()).put("label", text(o.get("label"), at + ".label",
                    limits.textChars()));
        }
        JsonNode correct = q.get("correct");
        if (correct == null || !correct.isTextual() || !ids.contains(correct.asText())) {
            throw invalid("'" + path + ".correct' must be one of the question's option ids");
        }
        out.put("correct", correct.asText());
        JsonNode limit = q.get("timeLimitMs");
        if (limit == null || !limit.isIntegralNumber() || !limit.canConvertToLong()
                || limit.asLong() < MIN_TIME_LIMIT_MS || limit.asLong() > MAX_TIME_LIMIT_MS) {
            throw invalid("'" + path + ".timeLimitMs' must be an integer from " + MIN_TIME_LIMIT_MS + " to "
                    + MAX_TIME_LIMIT_MS);
        }
        out.put("timeLimitMs", limit.asLong());
        return out;
    }

    private static ArrayNode teams(JsonNode teams) {
        ArrayNode out = NODES.arrayNode();
        if (teams == null || teams.isNull()) {
            return out;
        }
        if (!teams.isArray() || teams.size() > MAX_TEAMS) {
            throw invalid("'teams' must be an array of at most " + MAX_TEAMS + " names");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < teams.size(); i++) {
            String name = text(teams.get(i), "teams[" + i + "]", TEAM_NAME_CHARS);
            if (!names.add(name)) {
                throw invalid("'teams[" + i + "]' repeats '" + name + "'");
            }
            out.add(name);
        }
        return out;
    }

    /** A non-blank string of at most {@code max} characters (code points), trimmed. */
    private static String text(JsonNode n, String path, int max) {
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw invalid("'" + path + "' must be a non-empty string");
        }
        String s = n.asText().strip();
        if (s.codePointCount(0, s.length()) > max) {
            throw invalid("'" + path + "' is longer than " + max + " characters");
        }
        return s;
    }

    private static Refusal invalid(String message) {
        return new Refusal(EngageError.INVALID_COMMAND, message);
    }
}
