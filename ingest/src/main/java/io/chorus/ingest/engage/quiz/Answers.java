package io.chorus.ingest.engage.quiz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Refusal;
import java.time.Instant;

/**
 * The participants' commands: {@code quiz.answer} and {@code quiz.team}. Every check comes before the
 * first write, so a refused command changes nothing. The caller has already checked that the activity
 * is open and that the command's {@code round} is the activity's.
 */
final class Answers {

    private Answers() {
    }

    static void answer(Command command, Activity activity, Engagement ctx) {
        Kv kv = ctx.kv();
        QuizKeys keys = new QuizKeys(activity);
        String participant = participant(command);
        long asked = command.integer("question");
        Progress progress = kv.get(keys.progress(), Progress.class);
        if (progress == null || asked != progress.current()) {
            throw new Refusal(EngageError.UNKNOWN_QUESTION, progress == null
                    ? "no question is open yet"
                    : "question " + asked + " is not open; the open question is " + progress.current());
        }
        int index = progress.current();
        Question question = Question.of(activity.definition(), index);
        String choice = command.text("choice");
        if (!question.hasOption(choice)) {
            throw new Refusal(EngageError.UNKNOWN_OPTION, "question " + index + " has no option '" + choice + "'");
        }
        String answerKey = keys.answer(index, participant);
        if (kv.get(answerKey, Answer.class) != null) {
            throw new Refusal(EngageError.ALREADY_VOTED, "question " + index + " is already answered");
        }
        if (progress.revealed()) {
            throw new Refusal(EngageError.TOO_LATE, "question " + index + " was revealed");
        }
        // The record's timestamp, never the clock: a replay after a crash accepts and scores the same.
        if (command.timestamp() > progress.deadline()) {
            throw new Refusal(EngageError.TOO_LATE, "question " + index + " closed at "
                    + Instant.ofEpochMilli(progress.deadline()));
        }
        boolean correct = choice.equals(question.correct());
        int points = Scoring.points(correct, command.timestamp() - progress.openedAt(), question.timeLimitMs());

        kv.put(answerKey, new Answer(choice, command.timestamp(), correct, points));
        Tally tally = kv.get(keys.tally(index), Tally.class);
        kv.put(keys.tally(index), (tally == null ? Tally.empty() : tally).plus(choice));
        Standing standing = kv.get(keys.standing(participant), Standing.class);
        kv.put(keys.standing(participant), (standing == null ? Standing.NONE : standing)
                .answered(index, points, correct, command.timestamp()));
        Member member = kv.get(keys.member(participant), Member.class);
        if (member != null) {
            TeamTotal team = kv.get(keys.team(member.team()), TeamTotal.class);
            kv.put(keys.team(member.team()), (team == null ? TeamTotal.NONE : team).plus(index, points));
        }

        ObjectNode audit = ctx.json().createObjectNode();
        audit.put("round", activity.round()).put("participant", participant).put("question", index)
                .put("choice", choice).put("correct", correct).put("points", points)
                .put("at", command.timestamp());
        ctx.effects().audit(activity.id(), activity.round(), audit);
        ctx.effects().changed(Channels.activity(activity.event(), activity.id()));
    }

    static void team(Command command, Activity activity, Engagement ctx) {
        Kv kv = ctx.kv();
        QuizKeys keys = new QuizKeys(activity);
        String participant = participant(command);
        String name = command.text("team");
        boolean known = false;
        for (var t : activity.definition().path("teams")) {
            known |= t.asText().equals(name);
        }
        if (!known) {
            throw new Refusal(EngageError.UNKNOWN_TEAM, "the quiz has no team '" + name + "'");
        }
        Member member = kv.get(keys.member(participant), Member.class);
        if (member != null) {
            throw new Refusal(EngageError.ALREADY_VOTED, "already in team '" + member.team() + "'");
        }
        kv.put(keys.member(participant), new Member(name));
        // Points scored before joining count for the team too, so the order of commands does not matter.
        Standing standing = kv.get(keys.standing(participant), Standing.class);
        TeamTotal team = kv.get(keys.team(name), TeamTotal.class);
        kv.put(keys.team(name), (team == null ? TeamTotal.NONE : team)
                .join(standing == null ? Standing.NONE : standing));

        ObjectNode audit = ctx.json().createObjectNode();
        audit.put("round", activity.round()).put("participant", participant).put("team", name)
                .put("at", command.timestamp());
        ctx.effects().audit(activity.id(), activity.round(), audit);
        ctx.effects().changed(Channels.activity(activity.event(), activity.id()));
    }

    private static String participant(Command command) {
        if (command.participant() == null || command.participant().isEmpty()) {
            throw new Refusal(EngageError.INVALID_COMMAND, "the command has no participant");
        }
        return command.participant();
    }
}
