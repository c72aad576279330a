package io.chorus.ingest.engage.quiz;

/**
 * One participant's total in a round. Leaderboard ties go to the earlier last correct answer, and that
 * too must not leak an unrevealed question, so the time before the latest answer is kept beside it
 * (every change to a standing is one answer, to {@code points.question()}).
 *
 * @param lastCorrectAt     the timestamp of the latest correct answer, {@link #NEVER} if none (so it sorts last)
 * @param previousCorrectAt {@code lastCorrectAt} as it was before the latest answer
 */
record Standing(Points points, long lastCorrectAt, long previousCorrectAt) {

    static final long NEVER = Long.MAX_VALUE;
    static final Standing NONE = new Standing(Points.NONE, NEVER, NEVER);

    Standing answered(int question, int earned, boolean correct, long at) {
        return new Standing(points.plus(new Points(earned, question, earned)),
                correct ? at : lastCorrectAt, lastCorrectAt);
    }

    long visibleScore(Visibility visibility) {
        return points.visible(visibility);
    }

    long visibleLastCorrectAt(Visibility visibility) {
        return visibility.revealed(points.question()) ? lastCorrectAt : previousCorrectAt;
    }
}
