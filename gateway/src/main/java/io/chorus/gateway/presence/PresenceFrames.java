package io.chorus.gateway.presence;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;

/** The presence and occupancy frames of PROTOCOL.md, and their REST bodies. */
public final class PresenceFrames {

    private PresenceFrames() {
    }

    /**
     * {@code presence_sync} (ref null) or the answer to a {@code presence} request or REST read. The
     * {@code digest} comes before the list so that a long-poll can read it without reading the list.
     */
    public static ObjectNode members(String type, String ref, String channel, Snapshot s) {
        ObjectNode n = head(type, ref, channel).put("digest", s.digest());
        ArrayNode a = n.putArray("members");
        if (s.members() != null) {
            s.members().forEach(m -> a.add(member(m)));
        }
        return n.put("count", s.count()).put("complete", s.members() != null);
    }

    public static ObjectNode occupancy(String type, String ref, String channel, Occupancy o) {
        return head(type, ref, channel).put("subscribers", o.subscribers()).put("members", o.members());
    }

    /** type and ref when given (frames; REST bodies have neither), then the channel. */
    private static ObjectNode head(String type, String ref, String channel) {
        ObjectNode n = ShareRecord.JSON.createObjectNode();
        if (type != null) {
            n.put("type", type);
        }
        if (ref != null) {
            n.put("ref", ref);
        }
        return n.put("channel", channel);
    }

    /** {@code digest}: the list's digest once this event is applied (see {@link MemberDigest}). */
    static ObjectNode event(String channel, String action, Member m, String digest) {
        ObjectNode n = ShareRecord.JSON.createObjectNode().put("type", "presence_event").put("channel", channel)
                .put("action", action);
        n.set("member", member(m));
        return n.put("digest", digest);
    }

    private static ObjectNode member(Member m) {
        ObjectNode n = ShareRecord.JSON.createObjectNode().put("clientId", m.clientId());
        n.set("data", m.data());
        return n.put("updatedAt", m.updatedAt());
    }

    public static Buffer buffer(ObjectNode n) {
        try {
            return Buffer.buffer(ShareRecord.JSON.writeValueAsBytes(n));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The members of a channel; {@code members} is null when the channel offers counts only.
     * {@code digest}: see {@link MemberDigest}.
     */
    public record Snapshot(List<Member> members, int count, String digest) {
    }

    public record Occupancy(int subscribers, int members) {
    }
}
