package io.chorus.ingest.engage.quiz;

import java.util.Comparator;

/** One row of a leaderboard: a score and the time that breaks ties (earlier first). */
record Ranked(String participant, long score, long at) {

    /** Highest score first; ties go to the earlier time, then to the lower participant id (total: deterministic). */
    static final Comparator<Ranked> BEST = Comparator.comparingLong(Ranked::score).reversed()
            .thenComparingLong(Ranked::at).thenComparing(Ranked::participant);
}
