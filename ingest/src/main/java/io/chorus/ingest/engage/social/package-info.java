/**
 * The event-level features of ENGAGE.md that are not activities: Q&A, chat and its moderation
 * (bans, slow mode, the moderators' view), reactions, slides and breakout rooms. Each is a
 * {@link io.chorus.ingest.engage.Handler} or {@link io.chorus.ingest.engage.Renderer} over the
 * shared {@link io.chorus.ingest.engage.Kv}; {@link io.chorus.ingest.engage.social.SocialRules} lists
 * them for the runtime's registry. Decisions compare record timestamps, never the wall clock, so a
 * replay after a crash decides the same way.
 */
package io.chorus.ingest.engage.social;
