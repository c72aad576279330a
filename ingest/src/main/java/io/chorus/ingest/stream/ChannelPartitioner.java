package io.chorus.ingest.stream;

import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Puts a record on the partition the gateway reads its channel from: the Java producer's default for a
 * keyed record, murmur2 of the key bytes modulo the partition count (DESIGN.md, "Records from
 * backends"). Kafka Streams would reach the same through the producer's partitioner; stating it here
 * keeps the gateway's contract visible and testable, whatever Streams' defaults become.
 */
final class ChannelPartitioner implements StreamPartitioner<byte[], Routed> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, byte[] key, Routed value, int numPartitions) {
        if (key == null) {
            return Optional.empty();
        }
        return Optional.of(Set.of(partition(key, numPartitions)));
    }

    static int partition(byte[] key, int numPartitions) {
        return BuiltInPartitioner.partitionForKey(key, numPartitions);
    }
}
