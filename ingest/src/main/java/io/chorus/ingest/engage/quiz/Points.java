package io.chorus.ingest.engage.quiz;

/**
 * A score that can hide the current question's share until it is revealed: a live leaderboard must not
 * tell the room who answered right before the host reveals it. {@code question} is the latest question
 * that added points and {@code questionPoints} what it added; every older question is already revealed
 * (questions open in order), so only that share may ever need hiding. Merging stays exact in any order.
 */
record Points(long score, int question, long questionPoints) {

    static final Points NONE = new Points(0, -1, 0);

    /** These points plus {@code other}'s (a member joining a team, or one more answer). */
    Points plus(Points other) {
        long total = score + other.score;
        if (other.question > question) {
            return new Points(total, other.question, other.questionPoints);
        }
        if (other.question == question) {
            return new Points(total, question, questionPoints + other.questionPoints);
        }
        return new Points(total, question, questionPoints);
    }

    /** The score the audience may see now. */
    long visible(Visibility visibility) {
        return visibility.revealed(question) ? score : score - questionPoints;
    }
}
