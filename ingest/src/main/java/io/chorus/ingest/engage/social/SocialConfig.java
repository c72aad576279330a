package io.chorus.ingest.engage.social;

import java.util.List;

/**
 * The social features' own settings (ingest config {@code engage.social.*}); the shared bounds are in
 * {@link io.chorus.ingest.engage.Limits}.
 *
 * @param blockedWords          words or phrases the default chat filter refuses (whole words, any case)
 * @param recentChatMessages    chat message ids remembered per event, so {@code chat.delete} knows the
 *                              message's channel; older messages can no longer be deleted
 * @param questionsPerParticipant questions one participant may ask per event (so one sender cannot use
 *                              up the event's {@code qaQuestions})
 * @param reactionBucketMs      the width of one reaction count bucket, in record time
 * @param moderationListMax     entries per list (questions, poll entries, bans) in the moderators' view
 * @param maxSlowModeMs         the largest {@code chat.slowmode} a moderator may set
 */
public record SocialConfig(List<String> blockedWords, int recentChatMessages, int questionsPerParticipant,
                           long reactionBucketMs, int moderationListMax, long maxSlowModeMs) {

    public SocialConfig {
        blockedWords = blockedWords == null ? List.of() : List.copyOf(blockedWords);
        if (recentChatMessages < 1 || questionsPerParticipant < 1 || reactionBucketMs < 1
                || moderationListMax < 1 || maxSlowModeMs < 0) {
            throw new IllegalArgumentException("engage.social: every bound must be positive: " + this);
        }
    }

    public static SocialConfig defaults() {
        return new SocialConfig(List.of(), 10_000, 20, 1_000, 500, 3_600_000);
    }

    public SocialConfig withBlockedWords(List<String> words) {
        return new SocialConfig(words, recentChatMessages, questionsPerParticipant, reactionBucketMs,
                moderationListMax, maxSlowModeMs);
    }
}
