package io.chorus.ingest.stream;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Writes a {@link Routed}'s bytes; never read back (sinks only). */
final class RoutedSerde implements Serde<Routed> {

    @Override
    public Serializer<Routed> serializer() {
        return (topic, routed) -> routed == null ? null : routed.value();
    }

    @Override
    public Deserializer<Routed> deserializer() {
        return (topic, bytes) -> {
            throw new UnsupportedOperationException("Routed values are written only");
        };
    }
}
