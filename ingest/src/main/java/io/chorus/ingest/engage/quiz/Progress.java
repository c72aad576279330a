package io.chorus.ingest.engage.quiz;

/**
 * Where a round of the quiz is: the question open now (from 0; absent before the first
 * {@code quiz.next}), when it opened and closes (record timestamps, so a replay decides the same way),
 * and whether the host revealed it.
 */
record Progress(int current, long openedAt, long deadline, boolean revealed) {

    Progress reveal() {
        return new Progress(current, openedAt, deadline, true);
    }
}
