package io.chorus.bench.load;

import java.time.Duration;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The subscribers of a run, wherever they live. Called from one coordinating thread. */
public interface Fleet extends AutoCloseable {

    /** Opens every connection (or, with {@code resume}, reopens them from their last positions). */
    ConnectReport connect(boolean resume, Duration timeout);

    /** Closes every connection as a client would, and waits until they are closed. */
    void disconnect(Duration timeout);

    void startStep(StepSpec spec);

    /** Latency counts from here on (send times at or after {@code rel}). */
    void measureFrom(long rel);

    Counts counts();

    /** The current step's latency histogram, in microseconds. */
    Histogram latency();

    /**
     * The current step's latency of each message's first delivery, in microseconds (with worker
     * processes, the first in each worker).
     */
    Histogram firstDelivery();

    /** The current step's catch-up times, in microseconds since the step started. */
    Histogram catchup();

    Map<Integer, Long> closeCodes();

    java.util.List<String> failureSamples();

    @Override
    void close();
}
