package io.chorus.ingest.engage.quiz;

import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.Kv;

/**
 * Where a quiz round keeps its state. Every key begins {@code CODE|quiz|ACTIVITY|ROUND|}, so a rerun
 * (a new round) starts empty, and an old round is one prefix to delete. Participant ids and team
 * names come last, so a prefix scan reads them whatever characters they hold.
 */
final class QuizKeys {

    private final String event;
    private final String round;

    QuizKeys(Activity activity) {
        this.event = activity.event();
        this.round = Kv.key(activity.event(), "quiz", activity.id(), Integer.toString(activity.round())) + "|";
    }

    /** {@code CODE|quiz|ACTIVITY|ROUND|}: everything of the round. */
    String round() {
        return round;
    }

    /** The event's {@code CODE|participant|PID} (the runtime's): the display name. */
    String participant(String participant) {
        return Kv.key(event, "participant", participant);
    }

    /** {@link Progress}: the current question, its open time and deadline, whether it is revealed. */
    String progress() {
        return round + "progress";
    }

    /** {@link Boards}: the leaderboards as of the last change of what is revealed. */
    String boards() {
        return round + "boards";
    }

    /** {@link Answer}: one participant's answer to one question. */
    String answer(int question, String participant) {
        return answers(question) + participant;
    }

    /** The prefix of every {@link #answer} to {@code question}. */
    String answers(int question) {
        return round + "answer|" + question + "|";
    }

    /** {@link Tally}: answers per option of one question. */
    String tally(int question) {
        return round + "tally|" + question;
    }

    /** {@link Standing}: one participant's total. */
    String standing(String participant) {
        return standings() + participant;
    }

    String standings() {
        return round + "standing|";
    }

    /** {@link Member}: the team a participant chose. */
    String member(String participant) {
        return round + "member|" + participant;
    }

    /** {@link TeamTotal}: one team's score and member count. */
    String team(String name) {
        return round + "team|" + name;
    }
}
