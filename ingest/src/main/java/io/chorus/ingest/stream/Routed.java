package io.chorus.ingest.stream;

/** A record value on its way to a sink, with the topic it goes to (the record key is the channel). */
record Routed(String topic, byte[] value) {
}
