package io.chorus.ingest.engage.quiz;

import io.chorus.ingest.engage.Activity;

/**
 * Which questions the audience may know the answers to: every question before the current one (the
 * host moved on), the current one once {@code quiz.reveal} came, and all of them once the activity
 * itself is revealed ({@code activity.reveal}, state {@code results}).
 */
record Visibility(int current, boolean currentRevealed, boolean all) {

    static Visibility of(Activity activity, Progress progress) {
        boolean all = Activity.RESULTS.equals(activity.state());
        return progress == null ? new Visibility(-1, false, all)
                : new Visibility(progress.current(), progress.revealed(), all);
    }

    boolean revealed(int question) {
        return all || question < current || (question == current && currentRevealed);
    }

    /** Whether the audience may see question {@code index} at all (text and options). */
    boolean shown(int question) {
        return all || question <= current;
    }
}
