package io.chorus.ingest.engage.quiz;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Engagement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The quiz's rankings. The boards are prefix scans with a 10-entry heap: one pass over the round's
 * standings (one small value per participant who answered, at most {@code limits.participants}) and
 * one over the open question's answers. They run when a question is revealed or the next one opens
 * ({@link #refresh}), not at every snapshot; only a state the host reached without either (the activity
 * revealed while its question was not) is scanned at render time.
 */
final class Leaderboards {

    static final int TOP = 10;

    private Leaderboards() {
    }

    /** Computes and stores the boards for the quiz as it is now; called after each change of visibility. */
    static void refresh(QuizKeys keys, Visibility visibility, Engagement ctx) {
        ctx.kv().put(keys.boards(), compute(keys, visibility, ctx));
    }

    /**
     * The boards once the next question opened: the same scores when the previous question had been
     * revealed (the new one has no answers yet), else recomputed, since moving on reveals the previous
     * question's points.
     */
    static void moveOn(QuizKeys keys, Visibility before, Visibility after, Engagement ctx) {
        Boards stored = ctx.kv().get(keys.boards(), Boards.class);
        if (before != null && stored != null && stored.fits(before) && stored.revealed()) {
            ctx.kv().put(keys.boards(), new Boards(after.current(), false, stored.overall(), null));
        } else {
            refresh(keys, after, ctx);
        }
    }

    /** The stored boards when they fit the quiz's state, else freshly computed. */
    static Boards of(QuizKeys keys, Visibility visibility, Engagement ctx) {
        Boards stored = ctx.kv().get(keys.boards(), Boards.class);
        return stored != null && stored.fits(visibility) ? stored : compute(keys, visibility, ctx);
    }

    private static Boards compute(QuizKeys keys, Visibility visibility, Engagement ctx) {
        int current = visibility.current();
        boolean revealed = current >= 0 && visibility.revealed(current);
        return new Boards(current, revealed, overall(keys, visibility, ctx),
                revealed ? question(keys, current, ctx) : null);
    }

    /** Top 10 who scored, by visible score; ties by the earlier (visible) last correct answer. */
    private static List<Ranked> overall(QuizKeys keys, Visibility visibility, Engagement ctx) {
        TopN<Ranked> top = new TopN<>(TOP, Ranked.BEST);
        String prefix = keys.standings();
        ctx.kv().scan(prefix, Standing.class, (key, s) -> {
            long score = s.visibleScore(visibility);
            if (score > 0) {
                top.offer(new Ranked(key.substring(prefix.length()), score, s.visibleLastCorrectAt(visibility)));
            }
        });
        return top.best();
    }

    /** Top 10 correct answers to one question: most points, then the earlier answer. */
    private static List<Ranked> question(QuizKeys keys, int question, Engagement ctx) {
        TopN<Ranked> top = new TopN<>(TOP, Ranked.BEST);
        String prefix = keys.answers(question);
        ctx.kv().scan(prefix, Answer.class, (key, a) -> {
            if (a.correct()) {
                top.offer(new Ranked(key.substring(prefix.length()), a.points(), a.at()));
            }
        });
        return top.best();
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

    /** Rows with the display names of {@code CODE|participant|PID}, read now (a rename shows at once). */
    static ArrayNode render(List<Ranked> rows, String field, QuizKeys keys, Engagement ctx) {
        ArrayNode out = ctx.json().createArrayNode();
        for (Ranked r : rows) {
            ObjectNode row = out.addObject();
            row.put("participant", r.participant());
            ObjectNode who = ctx.kv().get(keys.participant(r.participant()), ObjectNode.class);
            row.put("name", who == null ? null : who.path("name").asText(null));
            row.put(field, r.score());
        }
        return out;
    }
}
