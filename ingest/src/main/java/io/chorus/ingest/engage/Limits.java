package io.chorus.ingest.engage;

/**
 * The configured bounds (ENGAGE.md, "Limits"; ingest config {@code engage.limits.*}).
 */
public record Limits(int commandBytes, int textChars, int questionChars, int chatChars, int options,
                     int quizQuestions, int activities, int qaQuestions, int rooms, int participants,
                     int wordsPerEntry, int reactionsPerWindow, long reactionWindowMs) {

    public static Limits defaults() {
        return new Limits(4096, 280, 300, 500, 20, 50, 200, 1000, 50, 100_000, 3, 5, 10_000);
    }
}
