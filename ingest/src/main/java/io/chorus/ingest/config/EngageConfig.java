package io.chorus.ingest.config;

import io.chorus.ingest.engage.social.SocialConfig;
import io.chorus.ingest.engage.Limits;
import java.time.Duration;
import java.util.List;

/**
 * The engagement rules' settings.
 *
 * @param publishInterval  how often changed snapshots are rendered and written (conflation)
 * @param dedupWindow      how long a command id is remembered per (event, participant)
 * @param dedupMaxEntries  remembered ids per stream task; beyond it the oldest are forgotten early
 * @param purgeInterval    how often forgotten ids are purged
 * @param blockedWords     words refused ({@code moderated}) in word-cloud and open-text answers
 * @param limits           {@code engage.limits.*}
 * @param social           {@code engage.social.*}: Q&A, chat, reactions and moderation bounds (its chat
 *                         filter uses {@code blockedWords} too)
 */
public record EngageConfig(Duration publishInterval, Duration dedupWindow, int dedupMaxEntries,
                           Duration purgeInterval, List<String> blockedWords, Limits limits,
                           SocialConfig social) {

    public EngageConfig withBlockedWords(List<String> words) {
        return new EngageConfig(publishInterval, dedupWindow, dedupMaxEntries, purgeInterval, words, limits,
                social.withBlockedWords(words));
    }

    public EngageConfig withLimits(Limits l) {
        return new EngageConfig(publishInterval, dedupWindow, dedupMaxEntries, purgeInterval, blockedWords, l, social);
    }

    public EngageConfig withDedup(Duration window, int maxEntries) {
        return new EngageConfig(publishInterval, window, maxEntries, purgeInterval, blockedWords, limits, social);
    }
}
