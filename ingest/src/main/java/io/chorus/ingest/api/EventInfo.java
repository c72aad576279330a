package io.chorus.ingest.api;

/** One event as the registry knows it: the value of its record on the events topic. */
record EventInfo(String code, String title, long createdAt) {
}
