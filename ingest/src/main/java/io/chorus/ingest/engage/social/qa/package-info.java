/**
 * Q&A: {@code qa.ask}, {@code qa.upvote}, {@code qa.moderate} and the audience's view
 * {@code engage:CODE:qa}. A question is one key ({@code CODE|qa|q|ID}, its id the command id) holding its
 * upvote count; each upvote is one key per question and participant, so a toggle or a duplicate can
 * never count twice.
 */
package io.chorus.ingest.engage.social.qa;
