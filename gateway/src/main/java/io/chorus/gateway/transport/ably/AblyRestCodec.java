package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.presence.Member;
import java.io.IOException;

/**
 * Ably's REST bodies (JSON) for the REST API in {@code http.ably}: the same message mapping as the
 * realtime protocol ({@link MessageCodec}), so a message reads the same whether it came by MESSAGE or
 * by history, and a REST publish is checked exactly as a realtime one.
 */
public final class AblyRestCodec {

    /** Messages in one REST publish: as in one realtime MESSAGE (Ably answers 40034 beyond its limit). */
    public static final int MAX_MESSAGES = AblyPublishFlow.MAX_MESSAGES_PER_PUBLISH;
    /** Ably's PresenceMessage action PRESENT (TP2), what a presence get lists. */
    private static final int PRESENT = 1;

    private AblyRestCodec() {
    }

    /** A history item (TM2) for a Chorus {@code message} frame: id, name, data, timestamp, serial. */
    public static ObjectNode message(byte[] chorusFrame) {
        try {
            return (ObjectNode) MessageCodec.JSON.readTree(MessageCodec.fromChorus(chorusFrame).json())
                    .get("messages").get(0);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable Chorus message frame", e);
        }
    }

    /**
     * The Chorus publish (type, channel, id, name, data, encoding) for one Ably message of a REST publish;
     * {@code clientId}: who publishes (null when not identified and no message names anyone).
     */
    public static ObjectNode publish(JsonNode message, String channel, String defaultId, String clientId) {
        return MessageCodec.toPublish(message, channel, defaultId, new MessageCodec.Publisher(clientId));
    }

    /** A presence get item (TP3): a PRESENT member. Chorus members carry no connection, so none is named. */
    public static ObjectNode present(String channel, Member m) {
        ObjectNode p = MessageCodec.JSON.createObjectNode().put("id", m.clientId() + ":" + m.updatedAt() + ":0")
                .put("action", PRESENT).put("clientId", m.clientId()).put("timestamp", m.updatedAt());
        JsonNode data = m.data();
        if (data.isTextual()) {
            p.put("data", data.textValue());
        } else if (!data.isNull()) {
            p.put("data", data.toString()).put("encoding", "json");
        }
        return p;
    }

    /** The ErrorInfo body Ably's REST answers with ({@code {"error": {...}}}). */
    public static ObjectNode errorBody(AblyError error) {
        ObjectNode body = MessageCodec.JSON.createObjectNode();
        error.writeTo(body);
        return body;
    }
}
