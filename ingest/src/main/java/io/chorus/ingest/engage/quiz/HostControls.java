package io.chorus.ingest.engage.quiz;

import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Refusal;
import io.chorus.ingest.engage.Role;

/** The host's commands: {@code quiz.next} and {@code quiz.reveal}. */
final class HostControls {

    private HostControls() {
    }

    /** Opens the next question (0 first); its deadline is the command's timestamp plus its time limit. */
    static void next(Command command, Activity activity, Engagement ctx) {
        command.require(Role.HOST);
        if (!activity.isOpen()) {
            throw new Refusal(EngageError.ACTIVITY_NOT_OPEN, "the quiz is " + activity.state());
        }
        QuizKeys keys = new QuizKeys(activity);
        Progress progress = ctx.kv().get(keys.progress(), Progress.class);
        int next = progress == null ? 0 : progress.current() + 1;
        int count = Question.count(activity.definition());
        if (next >= count) {
            throw new Refusal(EngageError.UNKNOWN_QUESTION, "no question after " + (next - 1) + "; the quiz has "
                    + count);
        }
        long limit = Question.of(activity.definition(), next).timeLimitMs();
        Progress opened = new Progress(next, command.timestamp(), command.timestamp() + limit, false);
        ctx.kv().put(keys.progress(), opened);
        Leaderboards.moveOn(keys, progress == null ? null : Visibility.of(activity, progress),
                Visibility.of(activity, opened), ctx);
        ctx.effects().changed(Channels.activity(activity.event(), activity.id()));
    }

    /**
     * Reveals the open question: its correct option and counts, and its points in the leaderboards.
     * Answers after it are {@code too_late}. Each answerer's own state changed (correct or not), so
     * their {@code engage-me} channel is marked too: one mark per answer, bounded by the participants.
     * A second reveal of the same question changes nothing.
     */
    static void reveal(Command command, Activity activity, Engagement ctx) {
        command.require(Role.HOST);
        QuizKeys keys = new QuizKeys(activity);
        Progress progress = ctx.kv().get(keys.progress(), Progress.class);
        if (progress == null) {
            throw new Refusal(EngageError.UNKNOWN_QUESTION, "no question has been opened");
        }
        if (progress.revealed()) {
            return;
        }
        Progress revealed = progress.reveal();
        ctx.kv().put(keys.progress(), revealed);
        Leaderboards.refresh(keys, Visibility.of(activity, revealed), ctx);
        ctx.effects().changed(Channels.activity(activity.event(), activity.id()));
        String prefix = keys.answers(progress.current());
        ctx.kv().scan(prefix, Answer.class, (key, answer) ->
                ctx.effects().changed(Channels.me(activity.event(), key.substring(prefix.length()))));
    }
}
