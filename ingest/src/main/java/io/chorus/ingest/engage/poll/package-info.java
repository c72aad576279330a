/**
 * The poll kinds ({@code choice}, {@code rating}, {@code ranking}, {@code wordcloud}, {@code text}): one
 * response per participant per round under {@code CODE|resp|ACT|ROUND|PID}, tallies per round (and per
 * room) under {@code CODE|tally|ACT|ROUND|PART}, word counts and published texts under keys of their own.
 * A changed response takes its old contribution out before adding the new one, so counts stay exact.
 */
package io.chorus.ingest.engage.poll;
