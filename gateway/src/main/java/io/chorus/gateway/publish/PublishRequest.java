package io.chorus.gateway.publish;

import io.chorus.gateway.config.Partitioner;
import io.chorus.gateway.feed.TopicInfo;
import io.chorus.schema.ChannelName;

/**
 * A validated publish. {@code partitioner}: the channel's namespace's, so the record lands where the
 * namespace's backends put the channel's records. {@code lookupKafka}: the id may have been written
 * before (a retry, or any HTTP publish), so the channel's recent records are searched before writing.
 */
public record PublishRequest(ChannelName channel, TopicInfo topic, Partitioner partitioner, String id, String name,
                             byte[] value, String clientId, boolean lookupKafka) {
}
