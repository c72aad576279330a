package io.chorus.gateway.session;

/**
 * What a server frame is, so that each transport can place it: a WebSocket writes every frame as it
 * comes; SSE names its event after {@link #event}; a long-poll answer files it under {@code subscribed},
 * {@code messages} or {@code events}, and knows which frames must end the wait.
 */
public enum Out {
    CONNECTED("connected"),
    /** {@code subscribed} after which the client must learn the position: started live, or resumed:false. */
    SUBSCRIBED("subscribed"),
    /** {@code subscribed} with resumed:true: delivery continues right after the position the client sent. */
    RESUMED("subscribed"),
    MESSAGE("message"),
    /** An error that ends nothing but the request it answers (WebSocket) or, on a stream, the stream. */
    ERROR("error"),
    /** An error with a {@code channel}: that subscription ended; the others go on. */
    CHANNEL_ERROR("error"),
    PING("ping"),
    STREAM("stream"),
    AUTH_EXPIRING("auth_expiring"),
    /** {@code entered} for a channel a stream entered when it opened. */
    ENTERED("entered"),
    PRESENCE_SYNC("presence_sync"),
    PRESENCE_EVENT("presence_event"),
    OCCUPANCY("occupancy"),
    /** The answer to a client's request frame (ack, unsubscribed, pong, authed, ...): WebSocket only. */
    REPLY("reply");

    private final String event;

    Out(String event) {
        this.event = event;
    }

    /** The frame's {@code type}, which SSE uses as the event name. */
    public String event() {
        return event;
    }

    /** The kind of a presence or occupancy watch's frame, from its {@code type}. */
    public static Out presence(String type) {
        return switch (type) {
            case "presence_sync" -> PRESENCE_SYNC;
            case "presence_event" -> PRESENCE_EVENT;
            case "occupancy" -> OCCUPANCY;
            default -> throw new IllegalArgumentException(type);
        };
    }
}
