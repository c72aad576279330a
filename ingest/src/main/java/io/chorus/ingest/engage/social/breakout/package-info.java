/**
 * Breakout rooms: {@code breakout.open} puts every joined participant in a room ({@code CODE|room|PID}),
 * {@code breakout.close} brings everyone back; each participant hears of it on their
 * {@code engage-me:CODE:PID}. Assignments are a function of the state and the command (random ones are
 * seeded from the command id), so a replay assigns everyone the same way.
 */
package io.chorus.ingest.engage.social.breakout;
