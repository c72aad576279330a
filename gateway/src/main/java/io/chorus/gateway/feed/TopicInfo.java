package io.chorus.gateway.feed;

import io.chorus.schema.ChannelName;
import io.chorus.schema.Position;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/** What the gateway knows of a topic: its id (changes when recreated) and partition count. */
public record TopicInfo(String name, UUID topicId, int partitions) {

    /** Kafka's default partitioner for keyed records: murmur2 of the key bytes. */
    public int partitionOf(ChannelName channel) {
        return Utils.toPositive(Utils.murmur2(channel.keyBytes())) % partitions;
    }

    public TopicPartition partitionFor(ChannelName channel) {
        return new TopicPartition(name, partitionOf(channel));
    }

    public Position position(int partition, long offset) {
        return new Position(topicId, partition, partitions, offset);
    }
}
