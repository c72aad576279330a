package io.chorus.client;

/**
 * Where a new subscription starts. Use the factories: {@link #live()}, {@link #since(String)} or
 * {@link #rewind(int)}. After a reconnect the client ignores these and resumes from the last position
 * it delivered, so they only matter for the first subscribe.
 *
 * @param sincePosition deliver every message after this position, or null
 * @param rewindCount   deliver the channel's last N messages first (the server caps N at its
 *                      {@code maxRewind}), or 0
 */
public record SubscribeOptions(String sincePosition, int rewindCount) {

    private static final SubscribeOptions LIVE = new SubscribeOptions(null, 0);

    public SubscribeOptions {
        if (sincePosition != null && sincePosition.isEmpty()) {
            throw new IllegalArgumentException("since position is empty");
        }
        if (rewindCount < 0 || (rewindCount > 0 && sincePosition != null)) {
            throw new IllegalArgumentException("give either a since position or a rewind count >= 1");
        }
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
}
