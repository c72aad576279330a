package io.chorus.gateway.transport.ably;

/**
 * The numbers of Ably's realtime protocol that Chorus speaks: ProtocolMessage actions (spec TR2) and
 * flags (TR3), as ably-js 2.x defines them in {@code src/common/lib/types/protocolmessagecommon.ts}.
 */
final class AblyProtocol {

    /** The protocol versions ({@code v} query parameter, RTN2f / CSV2) accepted: ably-js 2.x sends 6. */
    static final int MIN_VERSION = 2;
    static final int MAX_VERSION = 6;

    // TR2: actions.
    static final int HEARTBEAT = 0;
    static final int ACK = 1;
    static final int NACK = 2;
    static final int CONNECT = 3;
    static final int CONNECTED = 4;
    static final int DISCONNECT = 5;
    static final int DISCONNECTED = 6;
    static final int CLOSE = 7;
    static final int CLOSED = 8;
    static final int ERROR = 9;
    static final int ATTACH = 10;
    static final int ATTACHED = 11;
    static final int DETACH = 12;
    static final int DETACHED = 13;
    static final int PRESENCE = 14;
    static final int MESSAGE = 15;
    static final int SYNC = 16;
    static final int AUTH = 17;
    static final int ACTIVATE = 18;
    static final int OBJECT = 19;
    static final int OBJECT_SYNC = 20;
    static final int ANNOTATION = 21;

    // TR3: attach state flags.
    static final int HAS_PRESENCE = 1;
    static final int HAS_BACKLOG = 1 << 1;
    static final int RESUMED = 1 << 2;
    // TR3: channel mode flags (RTL4l, RTL4m).
    static final int MODE_PRESENCE = 1 << 16;
    static final int MODE_PUBLISH = 1 << 17;
    static final int MODE_SUBSCRIBE = 1 << 18;
    static final int MODE_PRESENCE_SUBSCRIBE = 1 << 19;
    static final int MODE_ANNOTATION_PUBLISH = 1 << 21;
    static final int MODE_ANNOTATION_SUBSCRIBE = 1 << 22;
    static final int MODE_OBJECT_SUBSCRIBE = 1 << 24;
    static final int MODE_OBJECT_PUBLISH = 1 << 25;
    static final int MODE_ALL = MODE_PRESENCE | MODE_PUBLISH | MODE_SUBSCRIBE | MODE_PRESENCE_SUBSCRIBE
            | MODE_ANNOTATION_PUBLISH | MODE_ANNOTATION_SUBSCRIBE | MODE_OBJECT_SUBSCRIBE | MODE_OBJECT_PUBLISH;

    /** The wire value of the {@code message.create} message action (TM5); the only one Chorus accepts. */
    static final int MESSAGE_CREATE = 0;

    private AblyProtocol() {
    }
}
