package io.chorus.gateway.publish;

import io.chorus.gateway.config.Partitioner;
import io.chorus.gateway.feed.TopicInfo;
import io.chorus.schema.ChannelName;

/**
 * A validated publish. {@code partitioner}: the channel's namespace's, so the record lands where the
 * namespace's backends put the channel's records. {@code keyed}: the client chose the id (it may send
 * it again), so the answer says which record of that id is the delivered one. {@code connectionId}: the
 * connection that published (null over HTTP), written as a header so that deliveries can name it.
 */
public record PublishRequest(ChannelName channel, TopicInfo topic, Partitioner partitioner, String id, String name,
                             byte[] value, String clientId, boolean keyed, String connectionId) {

    /** A publish that no connection made (HTTP). */
    public PublishRequest(ChannelName channel, TopicInfo topic, Partitioner partitioner, String id, String name,
                          byte[] value, String clientId, boolean keyed) {
        this(channel, topic, partitioner, id, name, value, clientId, keyed, null);
    }
}
