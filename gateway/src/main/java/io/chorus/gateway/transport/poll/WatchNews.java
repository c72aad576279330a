package io.chorus.gateway.transport.poll;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.chorus.gateway.session.Frames;
import io.chorus.gateway.session.Out;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which {@code presence_sync} and {@code occupancy} frames of a poll are news, and so answer it. The
 * first frame of each watch is the state as the poll began: news only when the client said it last
 * saw something else ({@link SeenParams}); without that it rides along, or every watching poll would
 * return at once. Every later frame of a watch means the state moved, and is news.
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
        if (h == null || !(sync ? syncPending : countPending).remove(h.channel)) {
            return h != null; // a later frame of the watch: the state moved
        }
        Map<String, String> saw = sync ? sawMembers : sawCounts;
        String seen = saw == null ? null : saw.get(h.channel);
        if (seen == null || seen.equals(sync ? h.digest : h.subscribers + ":" + h.members)) {
            return false;
        }
        (sync ? staleMembers : staleCounts).run();
        return true;
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
