package io.chorus.gateway.transport.poll;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.chorus.gateway.session.Frames;
import io.chorus.gateway.session.Out;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which {@code presence_sync} and {@code occupancy} frames of a poll are news, and so answer it. The
 * first frame of each watch is the state as the poll began: news only when the client said it last
 * saw something else ({@link SeenParams}); without that it rides along, or every watching poll would
 * return at once. Every later {@code presence_sync} means the list moved, and is news.
 *
 * <p>Counts are compared give or take the poll itself: a long-poll's subscription counts only while
 * it waits, so each poll's start and end move {@code subscribers} by one (between two polls, and again
 * when its own subscription reaches the counts). Answering on that would make every poll that watches
 * occupancy answer itself, and its client poll in a loop. So an {@code occupancy} frame is news only
 * when {@code members} changed or {@code subscribers} moved by more than one from the reference: what
 * the client saw for the first frame, the first frame for later ones.
 */
final class WatchNews {

    /** The head of a frame fits here: type, a channel of at most 200 bytes, digest or counts. */
    private static final int HEAD_BYTES = 1024;

    private final Set<String> syncPending;
    private final Set<String> countPending;
    /** Channel to what the client saw; null when the poll did not say. */
    private final Map<String, String> sawMembers;
    private final Map<String, String> sawCounts;
    private final Runnable staleMembers;
    private final Runnable staleCounts;
    /** Channel to the counts of its first occupancy frame: the reference for later ones. */
    private final Map<String, Head> firstCounts = new HashMap<>();

    /** {@code stale*}: counts a first frame that answers because the client had seen another state. */
    WatchNews(Set<String> presence, Set<String> occupancy, Map<String, String> sawMembers,
              Map<String, String> sawCounts, Runnable staleMembers, Runnable staleCounts) {
        this.syncPending = new HashSet<>(presence);
        this.countPending = new HashSet<>(occupancy);
        this.sawMembers = sawMembers;
        this.sawCounts = sawCounts;
        this.staleMembers = staleMembers;
        this.staleCounts = staleCounts;
    }

    /** Whether the frame ({@code presence_sync} or {@code occupancy}) should answer the poll. */
    boolean isNews(Out kind, Buffer frame) {
        boolean sync = kind == Out.PRESENCE_SYNC;
        Head h = Head.read(frame);
        if (h == null) {
            return false;
        }
        if (!(sync ? syncPending : countPending).remove(h.channel)) {
            // A later frame of the watch: the state moved (counts: by more than the poll itself).
            Head first = sync ? null : firstCounts.get(h.channel);
            return first == null || !sameCounts(first.subscribers + ":" + first.members, h);
        }
        if (!sync) {
            firstCounts.put(h.channel, h);
        }
        Map<String, String> saw = sync ? sawMembers : sawCounts;
        String seen = saw == null ? null : saw.get(h.channel);
        if (seen == null || (sync ? seen.equals(h.digest) : sameCounts(seen, h))) {
            return false;
        }
        (sync ? staleMembers : staleCounts).run();
        return true;
    }

    /** Counts ({@code subscribers:members}, or empty: never equal) that are those of the frame, give or take the poll. */
    private static boolean sameCounts(String seen, Head h) {
        int colon = seen.indexOf(':');
        if (colon < 0) {
            return false;
        }
        long subscribers = Long.parseLong(seen.substring(0, colon));
        long members = Long.parseLong(seen.substring(colon + 1));
        return members == h.members && Math.abs(subscribers - h.subscribers) <= 1;
    }

    /**
     * The fields of a frame before its first array or object: enough for both kinds, since
     * {@code digest} comes before the member list. Null when unreadable (never for our own frames).
     */
    private record Head(String channel, String digest, long subscribers, long members) {

        static Head read(Buffer frame) {
            String channel = null;
            String digest = null;
            long subscribers = -1;
            long members = -1;
            byte[] bytes = frame.getBytes(0, Math.min(frame.length(), HEAD_BYTES));
            try (JsonParser p = Frames.JSON.getFactory().createParser(bytes)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return null;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    if (t == null || t.isStructStart()) {
                        break;
                    }
                    switch (name) {
                        case "channel" -> channel = p.getText();
                        case "digest" -> digest = p.getText();
                        case "subscribers" -> subscribers = p.getLongValue();
                        case "members" -> members = p.getLongValue();
                        default -> { }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // A cut head ends the read; what was read before it stands.
            }
            return channel == null ? null : new Head(channel, digest, subscribers, members);
        }
    }
}
