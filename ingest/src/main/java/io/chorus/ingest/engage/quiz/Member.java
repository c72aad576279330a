package io.chorus.ingest.engage.quiz;

/** The team a participant chose (once per round). */
record Member(String team) {
}
