package io.chorus.ingest.engage.poll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.Check;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Limits;
import io.chorus.ingest.engage.Refusal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code wordcloud}: 1..{@code maxEntries} entries of at most {@code limits.wordsPerEntry} words each,
 * normalized ({@link Words}). Each normalized entry has its own counter key
 * ({@code CODE|word|ACT|ROUND|PART|ENTRY}), so the vocabulary never grows one value; the top
 * {@value #TOP} are picked at render time by a prefix scan (cost: one pass over the distinct entries).
 */
final class WordCloudKind extends ModeratedPoll {

    static final int TOP = 100;
    static final int MAX_ENTRIES = 10;

    WordCloudKind(BlockedWords blocked) {
        super(blocked);
    }

    @Override
    public String kind() {
        return "wordcloud";
    }

    @Override
    public ObjectNode define(ObjectNode command, Limits limits) {
        ObjectNode d = command.objectNode();
        d.put("maxEntries", Check.integer(command.get("maxEntries"), "maxEntries", 1, MAX_ENTRIES, 3));
        d.put("moderated", Check.bool(command.get("moderated"), "moderated", false));
        return d;
    }

    @Override
    ObjectNode parse(Command c, Activity a, Engagement ctx) {
        JsonNode words = c.field("words");
        if (words == null || !words.isArray() || words.isEmpty()) {
            throw Check.invalid("'words' must be a list of entries");
        }
        int max = a.definition().path("maxEntries").asInt(1);
        if (words.size() > max) {
            throw new Refusal(EngageError.TOO_MANY_CHOICES, "at most " + max + " entries");
        }
        Set<String> entries = new LinkedHashSet<>();
        for (JsonNode w : words) {
            String raw = Check.text(w, "words", 1, ctx.limits().textChars());
            String n = Words.normalize(raw);
            if (n.isEmpty()) {
                throw Check.invalid("an entry has no word in it");
            }
            if (Words.count(n) > ctx.limits().wordsPerEntry()) {
                throw Check.invalid("an entry has at most " + ctx.limits().wordsPerEntry() + " words");
            }
            screen(n);
            entries.add(n);
        }
        ObjectNode r = ctx.json().createObjectNode();
        ArrayNode list = r.putArray("words");
        entries.forEach(list::add);
        return r;
    }

    @Override
    void tally(Activity a, ObjectNode tally, ObjectNode response, int sign) {
        // Word counts live under keys of their own (extra).
    }

    @Override
    void extra(Activity a, String part, String participant, PollResponse r, int sign, Engagement ctx) {
        for (JsonNode w : r.value().get("words")) {
            String key = wordPrefix(a, part) + w.asText();
            ObjectNode count = ctx.kv().get(key, ObjectNode.class);
            long n = (count == null ? 0 : count.path("n").asLong()) + sign;
            if (n <= 0) {
                ctx.kv().delete(key);
            } else {
                ObjectNode v = ctx.json().createObjectNode();
                v.put("w", w.asText());
                v.put("n", n);
                ctx.kv().put(key, v);
            }
        }
    }

    @Override
    String entryText(ObjectNode value) {
        List<String> words = new ArrayList<>();
        value.get("words").forEach(w -> words.add(w.asText()));
        return String.join(", ", words);
    }

    @Override
    void results(Activity a, String part, ObjectNode tally, ObjectNode out, Engagement ctx) {
        List<ObjectNode> all = new ArrayList<>();
        ctx.kv().scan(wordPrefix(a, part), ObjectNode.class, (k, v) -> {
            all.add(v);
            if (all.size() > 4 * TOP) {
                // Keep the memory of a render bounded: drop all but the best TOP seen so far.
                all.sort(WordCloudKind::byCount);
                all.subList(TOP, all.size()).clear();
            }
        });
        all.sort(WordCloudKind::byCount);
        ArrayNode words = out.putArray("words");
        for (ObjectNode v : all.subList(0, Math.min(TOP, all.size()))) {
            ObjectNode row = words.addObject();
            row.put("word", v.path("w").asText());
            row.put("count", v.path("n").asLong());
        }
    }

    private static int byCount(ObjectNode x, ObjectNode y) {
        int c = Long.compare(y.path("n").asLong(), x.path("n").asLong());
        return c != 0 ? c : x.path("w").asText().compareTo(y.path("w").asText());
    }

    private static String wordPrefix(Activity a, String part) {
        return Kv.key(a.event(), "word", a.id(), Integer.toString(a.round()), part, "");
    }
}
