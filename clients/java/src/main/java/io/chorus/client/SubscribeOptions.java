package io.chorus.client;

/**
 * Where a new subscription starts, and whether it also hears presence and occupancy. Use the
 * factories: {@link #live()}, {@link #since(String)} or {@link #rewind(int)}, then optionally
 * {@link #withPresence} and {@link #withOccupancy}. After a reconnect the client ignores the start
 * and resumes from the last position it delivered, so it only matters for the first subscribe.
 *
 * @param sincePosition     deliver every message after this position, or null
 * @param rewindCount       deliver the channel's last N messages first (the server caps N at its
 *                          {@code maxRewind}), or 0
 * @param presenceListener  subscribe with {@code presence:true} and hear member changes, or null
 * @param occupancyListener subscribe with {@code occupancy:true} and hear counts, or null
 */
public record SubscribeOptions(String sincePosition, int rewindCount, PresenceListener presenceListener,
                               OccupancyListener occupancyListener) {

    private static final SubscribeOptions LIVE = new SubscribeOptions(null, 0);

    public SubscribeOptions {
        if (sincePosition != null && sincePosition.isEmpty()) {
            throw new IllegalArgumentException("since position is empty");
        }
        if (rewindCount < 0 || (rewindCount > 0 && sincePosition != null)) {
            throw new IllegalArgumentException("give either a since position or a rewind count >= 1");
        }
    }

    /** Messages only, as before presence existed. */
    public SubscribeOptions(String sincePosition, int rewindCount) {
        this(sincePosition, rewindCount, null, null);
    }

    /** Only messages produced after the subscription. */
    public static SubscribeOptions live() {
        return LIVE;
    }

    /** Every message after {@code position} (a position this client or the server handed out), then live. */
    public static SubscribeOptions since(String position) {
        if (position == null) {
            throw new IllegalArgumentException("since position is null");
        }
        return new SubscribeOptions(position, 0);
    }

    /** The channel's last {@code n} messages (fewer if it has fewer), then live. */
    public static SubscribeOptions rewind(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("rewind count must be >= 1, was " + n);
        }
        return new SubscribeOptions(null, n);
    }

    /** Also hear the channel's members (needs the {@code presence} capability). */
    public SubscribeOptions withPresence(PresenceListener listener) {
        return new SubscribeOptions(sincePosition, rewindCount, java.util.Objects.requireNonNull(listener, "listener"),
                occupancyListener);
    }

    /** Also hear the channel's counts (needs the {@code subscribe} or {@code presence} capability). */
    public SubscribeOptions withOccupancy(OccupancyListener listener) {
        return new SubscribeOptions(sincePosition, rewindCount, presenceListener,
                java.util.Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public String toString() {
        return "SubscribeOptions[" + (sincePosition != null ? "since=" + sincePosition
                : rewindCount > 0 ? "rewind=" + rewindCount : "live")
                + (presenceListener != null ? ", presence" : "") + (occupancyListener != null ? ", occupancy" : "") + "]";
    }
}
