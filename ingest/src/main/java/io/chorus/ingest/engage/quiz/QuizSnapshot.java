package io.chorus.ingest.engage.quiz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Kv;
import java.util.ArrayList;
import java.util.List;

/**
 * What the audience and one participant may see of a quiz round. Nothing here lets a screen learn an
 * answer early: {@code correct}, the counts, the question board and the open question's points (in
 * every total) appear only once the question is revealed, and questions not opened yet are not shown.
 */
final class QuizSnapshot {

    private QuizSnapshot() {
    }

    static void render(Activity activity, boolean resultsVisible, ObjectNode snapshot, Engagement ctx) {
        QuizKeys keys = new QuizKeys(activity);
        Progress progress = ctx.kv().get(keys.progress(), Progress.class);
        Visibility visibility = Visibility.of(activity, progress);
        ObjectNode definition = activity.definition();
        int count = Question.count(definition);

        ArrayNode questions = snapshot.putArray("questions");
        for (int i = 0; i < count; i++) {
            if (visibility.shown(i)) {
                Question.of(definition, i).render(questions.addObject(), visibility.revealed(i));
            }
        }
        // The caller may have embedded the stored definition, answers included: replace its questions too.
        if (snapshot.get("definition") instanceof ObjectNode embedded && embedded.has("questions")) {
            embedded.set("questions", questions.deepCopy());
        }
        snapshot.put("questionCount", count);
        snapshot.set("teams", definition.path("teams").deepCopy());

        if (progress == null) {
            snapshot.putNull("question");
            snapshot.put("responses", 0);
        } else {
            int index = progress.current();
            boolean revealed = visibility.revealed(index);
            Question question = Question.of(definition, index);
            ObjectNode q = question.render(snapshot.putObject("question"), revealed);
            q.put("openedAt", progress.openedAt()).put("deadline", progress.deadline()).put("revealed", revealed);
            Tally tally = ctx.kv().get(keys.tally(index), Tally.class);
            tally = tally == null ? Tally.empty() : tally;
            if (revealed) {
                ObjectNode counts = q.putObject("counts");
                for (String id : question.optionIds()) {
                    counts.put(id, tally.counts().getOrDefault(id, 0));
                }
            }
            snapshot.put("responses", tally.total());
        }

        if (resultsVisible) {
            ObjectNode results = snapshot.putObject("results");
            Boards boards = Leaderboards.of(keys, visibility, ctx);
            results.set("leaderboard", Leaderboards.render(boards.overall(), "score", keys, ctx));
            if (boards.question() != null) {
                results.set("questionLeaderboard", Leaderboards.render(boards.question(), "points", keys, ctx));
            }
            results.set("teams", Leaderboards.teams(keys, teamNames(definition), visibility, ctx));
        }
    }

    /**
     * The participant's part of their {@code you} state: their answer to the open question (with
     * {@code correct} and {@code points} once revealed), their visible score and their team; null when
     * they have done nothing in this round.
     */
    static ObjectNode responseOf(Activity activity, String participant, Engagement ctx) {
        Kv kv = ctx.kv();
        QuizKeys keys = new QuizKeys(activity);
        Progress progress = kv.get(keys.progress(), Progress.class);
        Visibility visibility = Visibility.of(activity, progress);
        Answer answer = progress == null ? null : kv.get(keys.answer(progress.current(), participant), Answer.class);
        Standing standing = kv.get(keys.standing(participant), Standing.class);
        Member member = kv.get(keys.member(participant), Member.class);
        if (answer == null && standing == null && member == null) {
            return null;
        }
        ObjectNode out = ctx.json().createObjectNode();
        if (progress == null) {
            out.putNull("question");
        } else {
            out.put("question", progress.current());
        }
        if (answer == null) {
            out.putNull("answer");
        } else {
            ObjectNode a = out.putObject("answer").put("choice", answer.choice()).put("at", answer.at());
            if (visibility.revealed(progress.current())) {
                a.put("correct", answer.correct()).put("points", answer.points());
            }
        }
        out.put("score", standing == null ? 0 : standing.visibleScore(visibility));
        out.put("team", member == null ? null : member.team());
        return out;
    }

    private static List<String> teamNames(ObjectNode definition) {
        List<String> names = new ArrayList<>();
        for (JsonNode n : definition.path("teams")) {
            names.add(n.asText());
        }
        return names;
    }
}
