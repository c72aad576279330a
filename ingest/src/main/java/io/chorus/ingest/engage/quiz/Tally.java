package io.chorus.ingest.engage.quiz;

import java.util.LinkedHashMap;
import java.util.Map;

/** Answers to one question, per option id (bounded by the question's options). */
record Tally(int total, Map<String, Integer> counts) {

    static Tally empty() {
        return new Tally(0, Map.of());
    }

    Tally plus(String option) {
        Map<String, Integer> next = new LinkedHashMap<>(counts);
        next.merge(option, 1, Integer::sum);
        return new Tally(total + 1, next);
    }
}
