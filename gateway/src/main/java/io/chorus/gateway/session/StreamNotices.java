package io.chorus.gateway.session;

import io.chorus.gateway.health.Readiness;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.vertx.core.buffer.Buffer;

/**
 * The {@code stream} notice a session opens with (PROTOCOL.md "Stream notices"). Transitions reach only
 * the sessions open at that moment, so a session that opens later must be told the present state when
 * it differs from what its client last saw: {@code stalled} while Kafka is stalled, and {@code live}
 * to a client that says it saw {@code stalled} (a long-poll whose transition fell between two polls,
 * or a client that reconnected after the outage ended).
 */
public final class StreamNotices {

    /** The query parameter in which a client says the state it last saw: {@code live} or {@code stalled}. */
    public static final String PARAM = "stream";

    private StreamNotices() {
    }

    /** Whether the client says it last saw {@code stalled}; absent means {@code live}. */
    public static boolean sawStalled(String param) {
        if (param == null || "live".equals(param)) {
            return false;
        }
        if ("stalled".equals(param)) {
            return true;
        }
        throw new ChorusException(ErrorCode.INVALID_FIELD, PARAM + " must be live or stalled");
    }

    /** The notice to open with, or null: {@code standing} is the stalled notice while Kafka is stalled. */
    static Buffer atOpen(Buffer standing, boolean sawStalled) {
        if (standing != null) {
            return sawStalled ? null : standing;
        }
        return sawStalled ? Readiness.LIVE : null;
    }
}
