package io.chorus.gateway.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.config.GatewayConfig;
import io.chorus.gateway.publish.PublishResult;
import io.chorus.gateway.subscription.Subscribed;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.vertx.core.buffer.Buffer;

/** Encoders for the frames the server sends (PROTOCOL.md, "Server → client"), except messages. */
public final class Frames {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final Buffer PING = Buffer.buffer("{\"type\":\"ping\"}");

    private Frames() {
    }

    static Buffer connected(String connectionId, String clientId, long expiresAtMs, GatewayConfig c) {
        ObjectNode n = JSON.createObjectNode().put("type", "connected").put("connectionId", connectionId)
                .put("clientId", clientId);
        if (expiresAtMs != Long.MAX_VALUE) {
            n.put("expiresAt", expiresAtMs);
        }
        n.put("heartbeatMs", c.connection().heartbeat().toMillis())
                .put("idleTimeoutMs", c.connection().idleTimeout().toMillis());
        n.putObject("limits").put("maxMessageBytes", c.http().maxMessageBytes())
                .put("maxFrameBytes", c.http().maxFrameBytes())
                .put("maxSubscriptions", c.connection().maxSubscriptions())
                .put("maxRewind", c.connection().maxRewind())
                .put("dedupWindowMs", c.publish().dedupWindow().toMillis());
        return buffer(n);
    }

    static Buffer subscribed(String ref, String channel, Subscribed s) {
        ObjectNode n = withRef("subscribed", ref).put("channel", channel).put("position", s.position());
        if (s.resumed() != null) {
            n.put("resumed", s.resumed());
        }
        if (s.reason() != null) {
            n.put("reason", s.reason());
        }
        return buffer(n);
    }

    static Buffer unsubscribed(String ref, String channel) {
        return buffer(withRef("unsubscribed", ref).put("channel", channel));
    }

    static Buffer ack(String ref, String channel, PublishResult r) {
        return buffer(withRef("ack", ref).put("channel", channel).put("id", r.id()).put("position", r.position())
                .put("duplicate", r.duplicate()));
    }

    static Buffer authExpiring(long expiresAtMs) {
        return buffer(JSON.createObjectNode().put("type", "auth_expiring").put("expiresAt", expiresAtMs));
    }

    static Buffer authed(String ref, String clientId, long expiresAtMs) {
        ObjectNode n = withRef("authed", ref).put("clientId", clientId);
        if (expiresAtMs != Long.MAX_VALUE) {
            n.put("expiresAt", expiresAtMs);
        }
        return buffer(n);
    }

    /** entered, updated or left. */
    static Buffer presenceDone(String type, String ref, String channel) {
        return buffer(withRef(type, ref).put("channel", channel));
    }

    static Buffer pong(String ref) {
        return buffer(withRef("pong", ref));
    }

    /** An error frame; {@code channel} is set when a subscription ended because of it. */
    public static Buffer error(String ref, String channel, ChorusException e) {
        ErrorCode c = e.code();
        ObjectNode n = withRef("error", ref).put("code", c.code()).put("error", c.wireName())
                .put("message", e.getMessage()).put("retryable", c.retryable());
        if (e.retryAfterMs() > 0) {
            n.put("retryAfterMs", e.retryAfterMs());
        }
        if (channel != null) {
            n.put("channel", channel);
        }
        return buffer(n);
    }

    private static ObjectNode withRef(String type, String ref) {
        ObjectNode n = JSON.createObjectNode().put("type", type);
        if (ref != null) {
            n.put("ref", ref);
        }
        return n;
    }

    static Buffer buffer(ObjectNode n) {
        try {
            return Buffer.buffer(JSON.writeValueAsBytes(n));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
