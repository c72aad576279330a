package io.chorus.gateway.subscription;

import io.chorus.gateway.config.Partitioner;
import io.chorus.gateway.feed.FeedMessage;
import io.chorus.gateway.feed.TopicInfo;
import io.chorus.schema.ChannelName;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * One channel subscription of one connection. Touched only on the connection's event loop.
 * {@code last} is the offset up to which everything of this channel has been delivered (or
 * accounted for); live messages at or below it are dropped, which is what makes the hand-over from
 * catch-up to live duplicate-free.
 */
public final class Subscription {

    enum State { STARTING, CATCHING_UP, LIVE, CLOSED }

    final ChannelName channel;
    final MessageSink sink;
    /** The namespace's: where the channel lives in whichever version of the topic {@code topic} is. */
    final Partitioner partitioner;
    State state = State.STARTING;
    TopicInfo topic;
    TopicPartition tp;
    long last = -1;
    Runnable catchUpStep;
    Conflator conflator;

    Subscription(ChannelName channel, MessageSink sink, Partitioner partitioner) {
        this.channel = channel;
        this.sink = sink;
        this.partitioner = partitioner;
    }

    public ChannelName channel() {
        return channel;
    }

    public boolean live() {
        return state == State.LIVE;
    }


    /** Delivers a message unless it is at or below the last position (never an offset twice). */
    boolean deliver(FeedMessage m) {
        if (state == State.CLOSED || m.offset() <= last) {
            return false;
        }
        last = m.offset();
        sink.send(m);
        return true;
    }

    /** True when the message was written to this subscriber now (not conflated, not left behind). */
    boolean offerLive(FeedMessage m) {
        if (state != State.LIVE || m.offset() <= last) {
            return false;
        }
        if (conflator != null && (conflator.rateLimited() || !sink.writable() || conflator.hasPending())) {
            conflate(m);
            return false;
        }
        // Live fan-out never queues without bound: a subscriber whose buffer is full leaves the live
        // path and catches up from the cache or Kafka at its own pace, from its last position.
        if (!sink.writable()) {
            sink.fellBehind();
            catchUp();
            return false;
        }
        return deliver(m);
    }

    /**
     * A conflating subscriber keeps only the latest message per key; it is flushed when due (rate
     * limit) or when the connection can take more (fell behind). Nothing queues beyond one per key.
     */
    private void conflate(FeedMessage m) {
        conflator.offer(m).forEach(this::deliver);
        if (!sink.writable()) {
            sink.onWritable(this::flushConflated);
        } else if (conflator.dueIn() == 0) {
            flushConflated();
        } else {
            conflator.scheduleFlush(this::flushConflated);
        }
    }

    private void flushConflated() {
        if (state != State.LIVE || !conflator.hasPending()) {
            return;
        }
        if (!sink.writable()) {
            sink.onWritable(this::flushConflated);
            return;
        }
        if (conflator.rateLimited() && conflator.dueIn() > 0) {
            conflator.scheduleFlush(this::flushConflated);
            return;
        }
        List<FeedMessage> out = conflator.drain();
        out.forEach(this::deliver);
        sink.conflated(out);
    }

    /** Leaves (or stays off) the live path; the catch-up loop brings it back when it is level. */
    void catchUp() {
        state = State.CATCHING_UP;
        sink.onWritable(catchUpStep);
    }

}
