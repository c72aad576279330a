package io.chorus.ingest.engage.quiz;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Kv;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The quiz's rankings, computed at render time by a prefix scan. Cost: one pass over the round's
 * standings (one small value per participant who answered, at most {@code limits.participants}) with a
 * 10-entry heap; the per-question board scans that question's answers. Computing them at render time
 * keeps every answer to a constant number of writes and the boards exact in any order of commands.
 */
final class Leaderboards {

    static final int TOP = 10;

    private Leaderboards() {
    }

    private record Entry(String participant, long score, long at) {
    }

    /** Highest score first; ties go to the earlier time, then to the lower participant id. */
    private static final Comparator<Entry> BEST = Comparator.comparingLong(Entry::score).reversed()
            .thenComparingLong(Entry::at).thenComparing(Entry::participant);

    /** Top 10 overall: visible scores; ties by the earlier last correct answer. */
    static ArrayNode overall(QuizKeys keys, Visibility visibility, Engagement ctx) {
        TopN<Entry> top = new TopN<>(TOP, BEST);
        String prefix = keys.standings();
        ctx.kv().scan(prefix, Standing.class, (key, s) -> top.offer(new Entry(key.substring(prefix.length()),
                s.visibleScore(visibility), s.visibleLastCorrectAt(visibility))));
        return render(top.best(), "score", keys, ctx);
    }

    /** Top 10 correct answers to one question: most points, then the earlier answer. */
    static ArrayNode question(QuizKeys keys, int question, Engagement ctx) {
        TopN<Entry> top = new TopN<>(TOP, BEST);
        String prefix = keys.answers(question);
        ctx.kv().scan(prefix, Answer.class, (key, a) -> {
            if (a.correct()) {
                top.offer(new Entry(key.substring(prefix.length()), a.points(), a.at()));
            }
        });
        return render(top.best(), "points", keys, ctx);
    }

    /** Every defined team with its visible total and member count: highest first, then by name. */
    static ArrayNode teams(QuizKeys keys, Iterable<String> names, Visibility visibility, Engagement ctx) {
        record Team(String name, long score, int members) {
        }
        List<Team> teams = new ArrayList<>();
        for (String name : names) {
            TeamTotal t = ctx.kv().get(keys.team(name), TeamTotal.class);
            t = t == null ? TeamTotal.NONE : t;
            teams.add(new Team(name, t.points().visible(visibility), t.members()));
        }
        teams.sort(Comparator.comparingLong(Team::score).reversed().thenComparing(Team::name));
        ArrayNode out = ctx.json().createArrayNode();
        teams.forEach(t -> out.addObject().put("name", t.name()).put("score", t.score()).put("members", t.members()));
        return out;
    }

    private static ArrayNode render(List<Entry> entries, String field, QuizKeys keys, Engagement ctx) {
        ArrayNode out = ctx.json().createArrayNode();
        Kv kv = ctx.kv();
        for (Entry e : entries) {
            ObjectNode row = out.addObject();
            row.put("participant", e.participant());
            ObjectNode who = kv.get(keys.participant(e.participant()), ObjectNode.class);
            row.put("name", who == null ? null : who.path("name").asText(null));
            row.put(field, e.score());
        }
        return out;
    }
}
