package io.chorus.ingest.engage.social;

import io.chorus.ingest.engage.Handler;
import io.chorus.ingest.engage.Renderer;
import io.chorus.ingest.engage.social.breakout.Breakout;
import io.chorus.ingest.engage.social.chat.BlockedWords;
import io.chorus.ingest.engage.social.chat.ChatFilter;
import io.chorus.ingest.engage.social.chat.ChatHandler;
import io.chorus.ingest.engage.social.chat.RecentMessages;
import io.chorus.ingest.engage.social.qa.QaHandler;
import io.chorus.ingest.engage.social.qa.QaRenderer;
import io.chorus.ingest.engage.social.reactions.ReactionHandler;
import io.chorus.ingest.engage.social.reactions.ReactionRenderer;
import io.chorus.ingest.engage.social.slides.SlidesHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * The social features for the runtime's registry: add {@link #handlers()} and {@link #renderers()} to
 * its lists. The participant-join rule calls
 * {@link Breakout#assignLate(String, String, io.chorus.ingest.engage.Engagement)}.
 */
public final class SocialRules {

    private final List<Handler> handlers;
    private final List<Renderer> renderers;

    /** With the default chat filter: {@link BlockedWords} over {@code config.blockedWords()}. */
    public SocialRules(SocialConfig config, MeterRegistry registry) {
        this(config, new BlockedWords(config.blockedWords()), registry);
    }

    public SocialRules(SocialConfig config, ChatFilter filter, MeterRegistry registry) {
        SocialMetrics metrics = new SocialMetrics(registry);
        this.handlers = List.of(
                new QaHandler(config, metrics),
                new ChatHandler(filter, new RecentMessages(config.recentChatMessages()), metrics),
                new ModerationHandler(config, metrics),
                new ReactionHandler(config.reactionBucketMs(), metrics),
                new SlidesHandler(metrics),
                new Breakout(metrics));
        this.renderers = List.of(
                new QaRenderer(),
                new ReactionRenderer(config.reactionBucketMs()),
                new ModerationRenderer(config));
    }

    public List<Handler> handlers() {
        return handlers;
    }

    public List<Renderer> renderers() {
        return renderers;
    }
}
