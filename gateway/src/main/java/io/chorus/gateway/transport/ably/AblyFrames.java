package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Encoders of the ProtocolMessages (TR4) the server sends, other than MESSAGE, ACK and NACK. */
final class AblyFrames {

    private AblyFrames() {
    }

    /** What a CONNECTED carries in {@code connectionDetails} (CD2), fixed for the connection. */
    record Details(String connectionId, String connectionKey, String clientId, int maxMessageSize, int maxFrameSize,
                   int maxInboundRate, long connectionStateTtlMs, long maxIdleIntervalMs) {
    }

    /** CONNECTED (RTN4b); with an error it is a failed resume (RTN15c7) or an UPDATE of the connection (RTN24). */
    static String connected(Details d, AblyError error) {
        ObjectNode pm = pm(AblyProtocol.CONNECTED).put("connectionId", d.connectionId());
        ObjectNode cd = pm.putObject("connectionDetails");
        if (d.clientId() != null) {
            cd.put("clientId", d.clientId());
        }
        cd.put("connectionKey", d.connectionKey()).put("maxMessageSize", d.maxMessageSize())
                .put("maxFrameSize", d.maxFrameSize()).put("maxInboundRate", d.maxInboundRate())
                .put("connectionStateTtl", d.connectionStateTtlMs()).put("maxIdleInterval", d.maxIdleIntervalMs())
                .put("serverId", "chorus");
        return text(withError(pm, error));
    }

    static String attached(String channel, String channelSerial, int flags, AblyError error) {
        return attached(channel, channelSerial, flags, null, error);
    }

    /**
     * ATTACHED; {@code channelSerial} is where delivery starts (a Chorus position, also the bound of
     * {@code untilAttach} history, RTL10b); {@code rewind}, when honoured, is echoed in {@code params} (RTL4k1).
     */
    static String attached(String channel, String channelSerial, int flags, AblyRewind rewind, AblyError error) {
        ObjectNode pm = pm(AblyProtocol.ATTACHED).put("channel", channel).put("flags", flags);
        if (channelSerial != null) {
            pm.put("channelSerial", channelSerial);
        }
        if (rewind != null) {
            pm.putObject("params").put("rewind", rewind.param());
        }
        return text(withError(pm, error));
    }

    static String detached(String channel, AblyError error) {
        return text(withError(pm(AblyProtocol.DETACHED).put("channel", channel), error));
    }

    /** ERROR: with a channel it fails that channel (RTL14); without, the connection (RTN14g, RTN15c4). */
    static String error(String channel, AblyError error) {
        ObjectNode pm = pm(AblyProtocol.ERROR);
        if (channel != null) {
            pm.put("channel", channel);
        }
        return text(withError(pm, error));
    }

    /** DISCONNECTED (RTN15h): the server closes the transport next; the client reconnects. */
    static String disconnected(AblyError error) {
        return text(withError(pm(AblyProtocol.DISCONNECTED), error));
    }

    /** AUTH from the server: the client must get a new token and send it in an AUTH (RTN22). */
    static String auth() {
        return text(pm(AblyProtocol.AUTH));
    }

    static String closed() {
        return text(pm(AblyProtocol.CLOSED));
    }

    /** HEARTBEAT, echoing the id of a client's ping (RTN13e). */
    static String heartbeat(String id) {
        ObjectNode pm = pm(AblyProtocol.HEARTBEAT);
        if (id != null) {
            pm.put("id", id);
        }
        return text(pm);
    }

    private static ObjectNode pm(int action) {
        return MessageCodec.JSON.createObjectNode().put("action", action);
    }

    private static ObjectNode withError(ObjectNode pm, AblyError error) {
        if (error != null) {
            error.writeTo(pm);
        }
        return pm;
    }

    static String text(ObjectNode pm) {
        try {
            return MessageCodec.JSON.writeValueAsString(pm);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
