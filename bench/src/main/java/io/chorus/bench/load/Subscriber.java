package io.chorus.bench.load;

import io.chorus.bench.wire.Conn;
import io.chorus.bench.wire.Payload;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

/**
 * One client connection with its subscriptions, whatever the transport. Subclasses open and close
 * the socket; this class keeps what the subscriptions received and when they became live. Every
 * method runs on the connection's event loop, except {@link #ready()}'s future, which any thread reads.
 */
abstract class Subscriber implements Conn {

    final Receiver rx;
    private final String[] names;
    private final int[] channels;
    private final ChannelTrack[] tracks;
    private final String[] positions;
    private final boolean trackPositions;
    private final boolean[] live;
    /** Subscriptions the server ended: their next subscribe resumes from the last position. */
    private final boolean[] resumeOne;
    private final long[] scratch = new long[3];
    private boolean resume;
    private int pending;
    private Promise<Void> ready = Promise.promise();
    /** The event loop context the connection lives on: every call to it runs there. */
    io.vertx.core.Context context;

    Subscriber(Receiver rx, int[] channels, String[] names, boolean trackPositions) {
        this.rx = rx;
        this.channels = channels;
        this.names = names;
        this.trackPositions = trackPositions;
        this.tracks = new ChannelTrack[channels.length];
        for (int i = 0; i < channels.length; i++) {
            tracks[i] = new ChannelTrack(channels[i]);
        }
        this.positions = new String[channels.length];
        this.live = new boolean[channels.length];
        this.resumeOne = new boolean[channels.length];
    }

    /** Opens the connection and subscribes; {@link #ready()} completes when every subscription is live. */
    abstract void open(boolean resumeFromPositions);

    /** Closes the connection as a client would (normal closure), and completes when it is closed. */
    abstract io.vertx.core.Future<Void> close();

    io.vertx.core.Future<Void> ready() {
        return ready.future();
    }

    /** Called by subclasses when a connection attempt starts. */
    void starting(boolean resumeFromPositions) {
        resume = resumeFromPositions;
        pending = channels.length;
        java.util.Arrays.fill(live, false);
        java.util.Arrays.fill(resumeOne, false);
        ready = Promise.promise();
    }

    void connectFailed(Throwable t) {
        rx.failure("connect: " + t.getMessage());
        ready.tryFail(t);
    }

    void onOpen() {
        rx.open.increment();
    }

    void onClosed(int code, boolean byUs) {
        rx.open.decrement();
        if (!byUs) {
            rx.closedUnexpectedly.increment();
            rx.closed(code);
        }
        ready.tryFail("closed with " + code + " before every subscription was live");
    }

    @Override
    public int channelCount() {
        return channels.length;
    }

    @Override
    public String channelName(int local) {
        return names[local];
    }

    @Override
    public String since(int local) {
        return resume || resumeOne[local] ? positions[local] : null;
    }

    @Override
    public boolean tracksPositions() {
        return trackPositions;
    }

    @Override
    public void subscribed(int local, String position, Boolean resumed) {
        if (local < 0 || local >= channels.length || live[local]) {
            return;
        }
        live[local] = true;
        if (position != null && (positions[local] == null || !resume)) {
            positions[local] = position;
        }
        if (Boolean.FALSE.equals(resumed)) {
            rx.notResumed.increment();
        }
        if (--pending == 0) {
            ready.tryComplete();
        }
    }

    /** Marks the {@code local}-th subscription ended by the server; true when it should be renewed. */
    boolean ended(int local, String frame, boolean retryable) {
        rx.ended.increment();
        rx.failure(frame);
        if (local < 0 || local >= channels.length || !retryable) {
            return false;
        }
        live[local] = false;
        resumeOne[local] = true;
        pending++;
        return true;
    }

    @Override
    public int payload(Buffer frame, int from) {
        long now = rx.nowRel();
        if (!Payload.scan(frame, from, scratch)) {
            return -1;
        }
        rx.deliveries.increment();
        int channel = (int) scratch[1];
        for (int i = 0; i < channels.length; i++) {
            if (channels[i] == channel) {
                Step s = rx.step;
                if (s != null) {
                    tracks[i].accept(s, scratch[2], scratch[0], now);
                }
                return i;
            }
        }
        return -1;
    }

    @Override
    public void position(int local, String position) {
        if (position != null) {
            positions[local] = position;
        }
    }
}
