package io.chorus.ingest.engage.quiz;

/** One participant's answer to one question: kept so a second answer is refused and the reveal can score it. */
record Answer(String choice, long at, boolean correct, int points) {
}
