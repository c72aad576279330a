package io.chorus.schema;

/**
 * Why the server closes a WebSocket. Codes 4000-4099 ask the client to reconnect (and resume from its
 * positions); 4100-4199 are terminal: reconnecting with the same request fails the same way. A change
 * here is written to {@code schema/vocabulary.json} by {@link Vocabulary} (tests fail until it is regenerated).
 */
public enum CloseReason {
    IDLE_TIMEOUT(4000, "idle_timeout", true),
    SERVER_SHUTDOWN(4001, "server_shutdown", true),
    SLOW_CONSUMER(4002, "slow_consumer", true),
    INTERNAL(4003, "internal", true),
    TOKEN_EXPIRED(4004, "token_expired", true),
    UNAUTHORIZED(4101, "unauthorized", false),
    POLICY_VIOLATION(4100, "policy_violation", false);

    /*
     * The ranges are part of the protocol, not only of today's constants: a client that meets a code it
     * does not know (a newer server) decides by its range alone.
     */
    public static final int RECONNECT_FIRST = 4000;
    public static final int RECONNECT_LAST = 4099;
    public static final int TERMINAL_FIRST = 4100;
    public static final int TERMINAL_LAST = 4199;

    private final int code;
    private final String wireName;
    private final boolean reconnect;

    CloseReason(int code, String wireName, boolean reconnect) {
        this.code = code;
        this.wireName = wireName;
        this.reconnect = reconnect;
    }

    public int code() {
        return code;
    }

    public String wireName() {
        return wireName;
    }

    public boolean reconnect() {
        return reconnect;
    }

    public static CloseReason byCode(int code) {
        for (CloseReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }
}
