package io.chorus.ingest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The record's own timestamp (the gateway's publish time), which the rules compare deadlines against. A
 * record with an invalid (negative) one takes the partition's time instead of stopping the application,
 * as Kafka Streams' default extractor would.
 */
public final class RecordTime implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(0, partitionTime);
    }
}
