package io.chorus.bench.engage;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A screen: one snapshot channel ({@code engage:CODE:a:ACTIVITY}, {@code engage:CODE:reactions}, …)
 * subscribed with {@code rewind: 1}, every snapshot kept with its arrival time (at most
 * {@code maxSnapshots}; later ones are counted, not kept). A snapshot with a {@code seq} not above the
 * last one is counted as out of order, which ENGAGE.md says never happens.
 */
public final class Display implements EngageSocket.Listener {

    /**
     * A snapshot as it arrived: {@code rel} nanoseconds after the run's epoch; {@code recordTime} the
     * Kafka record time ingest gave it (when it rendered it), {@code arrivalWallMs} the wall clock at
     * arrival (same machine, so the two compare).
     */
    public record Snapshot(long rel, long seq, JsonNode data, long recordTime, long arrivalWallMs) {
    }

    private final String channel;
    private final int maxSnapshots;
    private final List<Snapshot> snapshots = new ArrayList<>();
    private long dropped;
    private long outOfOrder;
    private long lastSeq = Long.MIN_VALUE;
    private long errors;
    private String lastError;
    private EngageSocket socket;

    public Display(String channel, int maxSnapshots) {
        this.channel = channel;
        this.maxSnapshots = maxSnapshots;
    }

    public String channel() {
        return channel;
    }

    /** Opens the socket and subscribes; waits for the subscription to be live. */
    public void open(Crowd crowd, String token, Duration timeout) {
        socket = crowd.socket(token, this);
        Crowd.Connected c = crowd.open(List.of(socket), timeout);
        if (c.ok() != 1) {
            throw new IllegalStateException("display for " + channel + " could not connect");
        }
        socket.context().runOnContext(v -> socket.subscribe("d", channel, 1));
    }

    @Override
    public synchronized void frame(String type, JsonNode f, long rel) {
        if (type.equals("message") && channel.equals(f.path("channel").asText())) {
            JsonNode data = f.path("data");
            long seq = data.path("seq").asLong(-1);
            if (seq <= lastSeq) {
                outOfOrder++;
            }
            lastSeq = Math.max(lastSeq, seq);
            if (snapshots.size() < maxSnapshots) {
                snapshots.add(new Snapshot(rel, seq, data, f.path("timestamp").asLong(-1), System.currentTimeMillis()));
            } else {
                dropped++;
            }
        } else if (type.equals("error")) {
            errors++;
            lastError = f == null ? "unreadable" : f.toString();
        }
    }

    public synchronized List<Snapshot> snapshots() {
        return new ArrayList<>(snapshots);
    }

    public synchronized int count() {
        return snapshots.size();
    }

    public synchronized long outOfOrder() {
        return outOfOrder;
    }

    public synchronized long dropped() {
        return dropped;
    }

    public synchronized String lastError() {
        return errors == 0 ? null : errors + " errors, last " + lastError;
    }

    /** The first snapshot, from index {@code from} on, that satisfies {@code test}; null after {@code timeout}. */
    public Snapshot await(int from, Predicate<JsonNode> test, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int i = from;
        while (true) {
            List<Snapshot> now = snapshots();
            for (; i < now.size(); i++) {
                if (test.test(now.get(i).data())) {
                    return now.get(i);
                }
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            pause();
        }
    }

    static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
