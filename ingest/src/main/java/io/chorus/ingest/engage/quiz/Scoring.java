package io.chorus.ingest.engage.quiz;

/** Points for an answer: speed counts, but a right answer always beats a wrong one. */
final class Scoring {

    static final int BASE = 500;
    static final int SPEED = 500;

    private Scoring() {
    }

    /**
     * {@code 500 + round(500 × (1 − elapsed / timeLimit))} for a correct answer, elapsed clamped to
     * {@code [0, timeLimit]} (an answer stamped before the open time, from another gateway's clock, gets
     * the most); 0 for a wrong one. Integer arithmetic, rounding halves up like {@link Math#round}, so
     * every replay scores the same.
     */
    static int points(boolean correct, long elapsedMs, long timeLimitMs) {
        if (!correct) {
            return 0;
        }
        long elapsed = Math.max(0, Math.min(elapsedMs, timeLimitMs));
        long remaining = timeLimitMs - elapsed;
        return BASE + (int) ((2L * SPEED * remaining + timeLimitMs) / (2L * timeLimitMs));
    }
}
