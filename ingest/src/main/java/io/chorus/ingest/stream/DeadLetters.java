package io.chorus.ingest.stream;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Copies of records ingest could not apply: the original key, value and headers, plus why and from where. */
final class DeadLetters {

    private DeadLetters() {
    }

    static Record<byte[], Routed> copy(Record<byte[], byte[]> record, DeadReason reason, RecordMetadata source,
                                       String deadTopic) {
        return copy(record.key(), record.value(), record.headers(), record.timestamp(), reason,
                source == null ? "" : source.topic(), source == null ? -1 : source.partition(),
                source == null ? -1 : source.offset(), deadTopic);
    }

    static Record<byte[], Routed> copy(byte[] key, byte[] value, Headers original, long timestamp, DeadReason reason,
                                       String topic, int partition, long offset, String deadTopic) {
        Headers headers = new RecordHeaders(original.toArray());
        Envelope.set(headers, Envelope.DEAD_REASON, reason.code());
        Envelope.set(headers, Envelope.DEAD_TOPIC, topic);
        Envelope.set(headers, Envelope.DEAD_PARTITION, Integer.toString(partition));
        Envelope.set(headers, Envelope.DEAD_OFFSET, Long.toString(offset));
        return new Record<>(key, new Routed(deadTopic, value), timestamp, headers);
    }
}
