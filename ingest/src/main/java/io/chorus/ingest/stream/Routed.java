package io.chorus.ingest.stream;

/**
 * A record value on its way to a sink, with the topic it goes to (the record key is the channel). A
 * command leaving the reader has no topic; {@code local} says it is already on its event's partition.
 */
record Routed(String topic, byte[] value, boolean local) {

    Routed(String topic, byte[] value) {
        this(topic, value, false);
    }
}
