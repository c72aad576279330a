package io.chorus.client.engage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;

/**
 * What {@code activity.create} makes, one record per kind of ENGAGE.md. Build with the static
 * factories and adjust with the {@code with*} methods; each record checks its shape when built and
 * throws {@link EngageException} ({@code invalid_command}) naming the field.
 *
 * <pre>{@code
 * ActivityDefinition poll = ActivityDefinition.choice("lunch", "Lunch?", List.of(Option.of("pizza", "Pizza"),
 *         Option.of("sushi", "Sushi"))).withSettings(ActivitySettings.DEFAULT.withAllowChange(true));
 * }</pre>
 */
public sealed interface ActivityDefinition {

    String id();

    String title();

    ActivitySettings settings();

    /** The wire name of the kind: {@code choice}, {@code rating}, ... */
    String kind();

    /** The kind's own fields, added to the command. */
    void writeFields(ObjectNode command);

    static Choice choice(String id, String title, List<Option> options) {
        return new Choice(id, title, options, 1, ActivitySettings.DEFAULT);
    }

    static Rating rating(String id, String title, int min, int max) {
        return new Rating(id, title, min, max, ActivitySettings.DEFAULT);
    }

    static Ranking ranking(String id, String title, List<Option> options) {
        return new Ranking(id, title, options, ActivitySettings.DEFAULT);
    }

    static WordCloud wordCloud(String id, String title) {
        return new WordCloud(id, title, 3, false, ActivitySettings.DEFAULT);
    }

    static OpenText text(String id, String title) {
        return new OpenText(id, title, false, ActivitySettings.DEFAULT);
    }

    static Quiz quiz(String id, String title, List<QuizQuestion> questions) {
        return new Quiz(id, title, questions, List.of(), ActivitySettings.DEFAULT);
    }

    /** The full {@code activity.create} command body. */
    default ObjectNode toCommand() {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("type", "activity.create");
        c.put("activity", id());
        c.put("kind", kind());
        c.put("title", title());
        writeFields(c);
        c.put("allowChange", settings().allowChange());
        c.put("results", settings().results().code());
        c.put("scope", settings().scope().code());
        return c;
    }

    private static void check(String id, String title, ActivitySettings settings) {
        Checks.id(id, "activity id");
        Checks.text(title, "title");
        Checks.notNull(settings, "settings");
    }

    private static ArrayNode optionsJson(List<Option> options) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (Option o : options) {
            a.addObject().put("id", o.id()).put("label", o.label());
        }
        return a;
    }

    /** Pick up to {@code maxChoices} options. */
    record Choice(String id, String title, List<Option> options, int maxChoices, ActivitySettings settings)
            implements ActivityDefinition {
        public Choice {
            check(id, title, settings);
            options = Checks.options(options, "options");
            Checks.range(maxChoices, 1, options.size(), "maxChoices");
        }

        public Choice withMaxChoices(int n) {
            return new Choice(id, title, options, n, settings);
        }

        public Choice withSettings(ActivitySettings s) {
            return new Choice(id, title, options, maxChoices, s);
        }

        @Override
        public String kind() {
            return "choice";
        }

        @Override
        public void writeFields(ObjectNode c) {
            c.set("options", optionsJson(options));
            c.put("maxChoices", maxChoices);
        }
    }

    /** An integer in {@code min..max} (at most 100 apart). */
    record Rating(String id, String title, int min, int max, ActivitySettings settings) implements ActivityDefinition {
        public Rating {
            check(id, title, settings);
            if (min >= max || (long) max - min > 100) {
                throw Checks.invalid("a rating needs min < max, at most 100 apart, was " + min + ".." + max);
            }
        }

        public Rating withSettings(ActivitySettings s) {
            return new Rating(id, title, min, max, s);
        }

        @Override
        public String kind() {
            return "rating";
        }

        @Override
        public void writeFields(ObjectNode c) {
            c.put("min", min);
            c.put("max", max);
        }
    }

    /** Every option once, best first; results are Borda points. */
    record Ranking(String id, String title, List<Option> options, ActivitySettings settings) implements ActivityDefinition {
        public Ranking {
            check(id, title, settings);
            options = Checks.options(options, "options");
        }

        public Ranking withSettings(ActivitySettings s) {
            return new Ranking(id, title, options, s);
        }

        @Override
        public String kind() {
            return "ranking";
        }

        @Override
        public void writeFields(ObjectNode c) {
            c.set("options", optionsJson(options));
        }
    }

    /** Up to {@code maxEntries} (1..10) short entries; {@code moderated}: they wait for {@code poll.moderate}. */
    record WordCloud(String id, String title, int maxEntries, boolean moderated, ActivitySettings settings)
            implements ActivityDefinition {
        public WordCloud {
            check(id, title, settings);
            Checks.range(maxEntries, 1, 10, "maxEntries");
        }

        public WordCloud withMaxEntries(int n) {
            return new WordCloud(id, title, n, moderated, settings);
        }

        public WordCloud withModerated(boolean m) {
            return new WordCloud(id, title, maxEntries, m, settings);
        }

        public WordCloud withSettings(ActivitySettings s) {
            return new WordCloud(id, title, maxEntries, moderated, s);
        }

        @Override
        public String kind() {
            return "wordcloud";
        }

        @Override
        public void writeFields(ObjectNode c) {
            c.put("maxEntries", maxEntries);
            c.put("moderated", moderated);
        }
    }

    /** A free-text answer; {@code moderated}: answers wait for {@code poll.moderate}. */
    record OpenText(String id, String title, boolean moderated, ActivitySettings settings) implements ActivityDefinition {
        public OpenText {
            check(id, title, settings);
        }

        public OpenText withModerated(boolean m) {
            return new OpenText(id, title, m, settings);
        }

        public OpenText withSettings(ActivitySettings s) {
            return new OpenText(id, title, moderated, s);
        }

        @Override
        public String kind() {
            return "text";
        }

        @Override
        public void writeFields(ObjectNode c) {
            c.put("moderated", moderated);
        }
    }

    /** Timed questions run with {@code quiz.next} / {@code quiz.reveal}; optional teams (up to 20 names). */
    record Quiz(String id, String title, List<QuizQuestion> questions, List<String> teams, ActivitySettings settings)
            implements ActivityDefinition {
        public Quiz {
            check(id, title, settings);
            Checks.notNull(questions, "questions");
            if (questions.isEmpty()) {
                throw Checks.invalid("a quiz needs at least one question");
            }
            questions = List.copyOf(questions);
            Checks.notNull(teams, "teams");
            if (teams.size() > 20) {
                throw Checks.invalid("a quiz has at most 20 teams, was " + teams.size());
            }
            var seen = new HashSet<String>();
            for (String t : teams) {
                Checks.text(t, "team name");
                if (t.length() > 40 || !seen.add(t)) {
                    throw Checks.invalid("team names are distinct and at most 40 characters: " + Checks.quote(t));
                }
            }
            teams = List.copyOf(teams);
        }

        public Quiz withTeams(List<String> names) {
            return new Quiz(id, title, questions, names, settings);
        }

        public Quiz withSettings(ActivitySettings s) {
            return new Quiz(id, title, questions, teams, s);
        }

        @Override
        public String kind() {
            return "quiz";
        }

        @Override
        public void writeFields(ObjectNode c) {
            ArrayNode qs = c.putArray("questions");
            for (QuizQuestion q : questions) {
                ObjectNode n = qs.addObject();
                n.put("text", q.text());
                n.set("options", optionsJson(q.options()));
                n.put("correct", q.correct());
                n.put("timeLimitMs", q.timeLimitMs());
            }
            if (!teams.isEmpty()) {
                ArrayNode t = c.putArray("teams");
                teams.forEach(t::add);
            }
        }
    }
}
