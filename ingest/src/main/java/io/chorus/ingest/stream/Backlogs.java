package io.chorus.ingest.stream;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * How many commands of a task are still in Kafka, unread by its stream thread: the main consumers of
 * the instance's stream threads, by thread, and their own lag (the partition's end offset as of the last
 * fetch minus the consumer's position; no clock involved). Records Streams has already fetched into its
 * buffers (up to {@code buffered.records.per.partition} per partition) do not count.
 * <p>
 * A stream thread is named after its main consumer's client id without the {@code -consumer} suffix
 * (Streams names both {@code <client id>-StreamThread-<n>}), so a processor finds its own thread's
 * consumer by {@link Thread#currentThread()}, and asks it only from that thread, the one that owns it.
 */
public final class Backlogs {

    static final String CONSUMER_SUFFIX = "-consumer";

    private final Map<String, Consumer<?, ?>> byThread = new ConcurrentHashMap<>();

    /** A main consumer was made with {@code client.id} {@code clientId}. */
    public void opened(String clientId, Consumer<?, ?> consumer) {
        byThread.put(threadOf(clientId), consumer);
    }

    /** That consumer closed (its thread ended or was replaced). */
    public void closed(String clientId, Consumer<?, ?> consumer) {
        byThread.remove(threadOf(clientId), consumer);
    }

    int size() {
        return byThread.size();
    }

    private static String threadOf(String clientId) {
        return clientId.endsWith(CONSUMER_SUFFIX)
                ? clientId.substring(0, clientId.length() - CONSUMER_SUFFIX.length()) : clientId;
    }

    /**
     * The calling stream thread's unread records over the input partitions numbered {@code partition}
     * (task {@code 0_p} reads partition {@code p} of each of its topics), or -1 when this thread has no
     * known consumer (a test driver, or a thread not started through {@code LeavingClients}).
     */
    long unread(int partition) {
        Consumer<?, ?> consumer = byThread.get(Thread.currentThread().getName());
        if (consumer == null) {
            return -1;
        }
        long unread = 0;
        for (TopicPartition tp : consumer.assignment()) {
            if (tp.partition() == partition) {
                OptionalLong lag = consumer.currentLag(tp);
                if (lag.isPresent() && lag.getAsLong() > 0) {
                    unread += lag.getAsLong();
                }
            }
        }
        return unread;
    }
}
