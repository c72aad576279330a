/**
 * The quiz ({@code kind: "quiz"}, ENGAGE.md): timed questions opened one at a time by the host
 * ({@code quiz.next}), answered once per participant ({@code quiz.answer}), scored by speed, revealed by
 * the host ({@code quiz.reveal}), with an overall and a per-question leaderboard and optional teams
 * ({@code quiz.team}). {@link io.chorus.ingest.engage.quiz.QuizKind} is the entry point; the state is a
 * handful of small values per participant under {@code CODE|quiz|ACTIVITY|ROUND|}
 * ({@link io.chorus.ingest.engage.quiz.QuizKeys}).
 */
package io.chorus.ingest.engage.quiz;
