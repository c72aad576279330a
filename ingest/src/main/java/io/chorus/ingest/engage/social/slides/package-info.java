/**
 * Slides: {@code slides.show} stores where the presentation is ({@code CODE|slides}); the event snapshot
 * embeds it, so a screen that joins late or reconnects resumes on the current slide.
 */
package io.chorus.ingest.engage.social.slides;
