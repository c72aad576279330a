package io.chorus.ingest.engage.quiz;

import java.util.List;

/**
 * The leaderboards as last computed, and for which state of the quiz. Visible scores change only when
 * a question becomes revealed (answers go to the open question, whose points stay hidden until then),
 * so the boards are computed when that happens ({@code quiz.reveal}, {@code quiz.next}) and stored,
 * and a snapshot reads 10 rows instead of scanning every participant.
 *
 * @param current  the open question they were computed at
 * @param revealed whether that question's points were counted
 * @param question the open question's board, or null when it was not revealed
 */
record Boards(int current, boolean revealed, List<Ranked> overall, List<Ranked> question) {

    boolean fits(Visibility visibility) {
        return current == visibility.current() && revealed == visibility.revealed(current);
    }
}
