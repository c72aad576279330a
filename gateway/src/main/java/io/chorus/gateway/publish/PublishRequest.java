package io.chorus.gateway.publish;

import io.chorus.gateway.config.Partitioner;
import io.chorus.gateway.feed.TopicInfo;
import io.chorus.schema.ChannelName;

/**
 * A validated publish. {@code partitioner}: the channel's namespace's, so the record lands where the
 * namespace's backends put the channel's records. {@code keyed}: the client chose the id (it may send
 * it again), so the answer says which record of that id is the delivered one.
 */
public record PublishRequest(ChannelName channel, TopicInfo topic, Partitioner partitioner, String id, String name,
                             byte[] value, String clientId, boolean keyed) {
}
