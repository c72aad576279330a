package io.chorus.client.engage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * An activity's results as ENGAGE.md writes them; each part is empty (or null for {@code ratings})
 * when the kind has none. Per-room results ({@code rooms}) and quiz team totals are in {@link #raw()}.
 *
 * @param counts      votes per option id (choice; a revealed quiz question's counts are in raw)
 * @param ratings     histogram, count and mean (rating), or null
 * @param ranking     Borda points, highest first (ranking)
 * @param words       top words (word cloud)
 * @param texts       published answers, newest first (open text)
 * @param leaderboard top scores (quiz)
 */
public record Results(Map<String, Long> counts, Ratings ratings, List<Ranked> ranking, List<WordCount> words,
                      List<TextAnswer> texts, List<Score> leaderboard, JsonNode raw) {

    public Results {
        counts = Map.copyOf(counts);
        ranking = List.copyOf(ranking);
        words = List.copyOf(words);
        texts = List.copyOf(texts);
        leaderboard = List.copyOf(leaderboard);
    }

    public record Ratings(Map<Integer, Long> histogram, long count, double mean) {
        public Ratings {
            histogram = Map.copyOf(histogram);
        }
    }

    public record Ranked(String id, long points) {
    }

    public record WordCount(String word, long count) {
    }

    public record TextAnswer(String text, long at) {
    }

    public record Score(String participant, String name, long score) {
    }
}
