package io.chorus.gateway.presence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.schema.ChannelName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One pod's whole share of one channel, as written to the presence topic (key: the channel):
 * {@code {"v":1,"pod":…,"channel":…,"leaseMs":…,"subscribers":N,"count":M,"members":[…]|null,"left":[…]}}.
 * {@code members} is null when the pod holds more than the member cap (then {@code count} alone
 * counts). {@code left} names clients that left explicitly since the pod's previous record (no grace).
 * Records that break these rules are refused by {@link #decode}: any producer can write to the topic.
 */
public record ShareRecord(String pod, String channel, long leaseMs, int subscribers, int count, List<Member> members,
                          Set<String> left) {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-:.@/=+]{1,128}");
    private static final int MAX_LEFT = 10_000;

    /** A record that says the pod has nothing on the channel (it left, or never had anything). */
    boolean empty() {
        return subscribers == 0 && count == 0;
    }

    byte[] encode() {
        ObjectNode n = JSON.createObjectNode().put("v", 1).put("pod", pod).put("channel", channel)
                .put("leaseMs", leaseMs).put("subscribers", subscribers).put("count", count);
        if (members == null) {
            n.putNull("members");
        } else {
            ArrayNode a = n.putArray("members");
            for (Member m : members) {
                a.addObject().put("clientId", m.clientId()).put("updatedAt", m.updatedAt()).set("data", m.data());
            }
        }
        ArrayNode l = n.putArray("left");
        left.forEach(l::add);
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The record, or an exception saying what is wrong with it. */
    static ShareRecord decode(byte[] value, int maxMembers) {
        if (value == null) {
            throw new IllegalArgumentException("no value");
        }
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON");
        }
        if (n == null || !n.isObject() || n.path("v").asInt(0) != 1) {
            throw new IllegalArgumentException("not a version 1 share");
        }
        String pod = text(n, "pod");
        String channel = ChannelName.parse(text(n, "channel")).value();
        long lease = n.path("leaseMs").asLong(-1);
        int subscribers = n.path("subscribers").asInt(-1);
        int count = n.path("count").asInt(-1);
        if (!ID.matcher(pod).matches() || lease < 1 || lease > 3_600_000 || subscribers < 0 || count < 0) {
            throw new IllegalArgumentException("bad pod, leaseMs, subscribers or count");
        }
        JsonNode ms = n.get("members");
        List<Member> members = null;
        if (ms != null && ms.isArray() && ms.size() <= maxMembers) {
            members = new ArrayList<>(ms.size());
            for (JsonNode m : ms) {
                String id = text(m, "clientId");
                if (!ID.matcher(id).matches() || !m.path("updatedAt").canConvertToLong()) {
                    throw new IllegalArgumentException("bad member");
                }
                JsonNode data = m.get("data");
                members.add(new Member(id, data == null ? NullNode.instance : data, m.path("updatedAt").asLong()));
            }
            count = members.size();
        } else if (ms != null && !ms.isNull() && !ms.isArray()) {
            throw new IllegalArgumentException("members must be an array or null");
        }
        Set<String> left = new HashSet<>();
        JsonNode l = n.get("left");
        if (l != null && l.isArray()) {
            for (int i = 0; i < l.size() && i < MAX_LEFT; i++) {
                left.add(l.get(i).asText());
            }
        }
        return new ShareRecord(pod, channel, lease, subscribers, count, members, left);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return v.textValue();
    }
}
