package io.chorus.gateway.feed;

import io.chorus.gateway.config.Partitioner;
import io.chorus.schema.ChannelName;
import io.chorus.schema.Position;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;

/**
 * What the gateway knows of a topic: its id (changes when recreated) and partition count. The
 * partitioner is not part of it: it belongs to the namespace (two namespaces may share a topic), so
 * every caller passes its namespace's.
 */
public record TopicInfo(String name, UUID topicId, int partitions) {

    /** The partition the namespace's backends put the channel's records on. */
    public int partitionOf(ChannelName channel, Partitioner partitioner) {
        return partitioner.partition(channel.keyBytes(), partitions);
    }

    /**
     * The same for a record's key, which is the channel name's bytes (a valid name is ASCII): the live
     * reader checks every record without copying its name into a new array.
     */
    public int partitionOfKey(byte[] key, Partitioner partitioner) {
        return partitioner.partition(key, partitions);
    }

    public TopicPartition partitionFor(ChannelName channel, Partitioner partitioner) {
        return new TopicPartition(name, partitionOf(channel, partitioner));
    }

    public Position position(int partition, long offset) {
        return new Position(topicId, partition, partitions, offset);
    }
}
