package io.chorus.bench.publish;

import java.time.Duration;

/**
 * One server's backend path. {@link #publish} is called from the pacing thread only; answers are
 * counted as they come back, so a slow server shows up as unanswered publishes, not as a slow loop.
 */
public interface Publisher extends AutoCloseable {

    void publish(int channel, long sentRel, long seq);

    /** Waits until every publish so far was answered, or the timeout. */
    void flush(Duration timeout);

    long answered();

    long errors();

    String describe();

    @Override
    void close();

    static Publisher of(PublishTarget t) {
        return switch (t.target()) {
            case "chorus" -> new KafkaPublisher(t);
            case "socketio" -> new RedisEmitterPublisher(t);
            case "nchan" -> new NchanPublisher(t);
            default -> throw new IllegalArgumentException("unknown target " + t.target());
        };
    }
}
