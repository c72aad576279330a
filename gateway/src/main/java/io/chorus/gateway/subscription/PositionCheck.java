package io.chorus.gateway.subscription;

import io.chorus.gateway.config.Partitioner;
import io.chorus.gateway.feed.TopicCatalog;
import io.chorus.gateway.feed.TopicInfo;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.chorus.schema.Position;
import java.util.concurrent.CompletableFuture;

/**
 * Checks a client's position against the topic as it is now, for subscriptions and history alike.
 * A position from another topic id means the topic was recreated (start at its beginning); another
 * partition count means the channel may have moved (start live); another partition means the position
 * belongs to another channel, which is the client's error.
 */
public final class PositionCheck {

    /** The topic as it is, where to start, and why continuity is lost (null when it is not). */
    public record Result(TopicInfo topic, StartSpec start, String reason) {
    }

    private PositionCheck() {
    }

    /** {@code partitioner}: the channel's namespace's, which says where the channel lives in any topic version. */
    public static CompletableFuture<Result> check(TopicCatalog catalog, TopicInfo cached, ChannelName channel,
                                                  Partitioner partitioner, Position p) {
        if (p.topicId().equals(cached.topicId()) && p.partitionCount() == cached.partitions()) {
            return CompletableFuture.completedFuture(samePartition(cached, channel, partitioner, p));
        }
        // The cached metadata may be stale; ask Kafka again before declaring continuity lost.
        return catalog.refresh(cached.name()).thenApply(info -> {
            if (!p.topicId().equals(info.topicId())) {
                return new Result(info, new StartSpec.Since(info.position(info.partitionOf(channel, partitioner), -1)),
                        "topic_changed");
            }
            if (p.partitionCount() != info.partitions()) {
                return new Result(info, new StartSpec.Live(), "partitions_changed");
            }
            return samePartition(info, channel, partitioner, p);
        });
    }

    private static Result samePartition(TopicInfo info, ChannelName channel, Partitioner partitioner, Position p) {
        if (p.partition() != info.partitionOf(channel, partitioner)) {
            throw new ChorusException(ErrorCode.INVALID_POSITION, "the position belongs to another channel");
        }
        return new Result(info, new StartSpec.Since(p), null);
    }
}
