package io.chorus.ingest.engage.social.chat;

/**
 * Decides whether a chat message may go out: the moderation hook. The default is {@link BlockedWords};
 * an operator may plug in another (a classifier, a list per event) through
 * {@link io.chorus.ingest.engage.social.SocialRules}. It runs inside the stream task, on every message:
 * keep it fast and deterministic (a replay must decide the same way), and never call out to a service.
 */
@FunctionalInterface
public interface ChatFilter {

    /** Null when {@code text} may be sent, else why not (the {@code moderated} refusal's message). */
    String check(String text);
}
