package io.chorus.client.internal;

import io.chorus.client.Message;
import io.chorus.client.Occupancy;
import io.chorus.client.PresenceEvent;
import io.chorus.client.PresenceMember;
import io.chorus.client.PresenceMembers;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;

/** A frame from the server, as {@link FrameCodec} read it. The vocabulary is PROTOCOL.md's. */
public sealed interface Frame {

    /** The reply frames name the request they answer. */
    sealed interface Reply extends Frame {
        String ref();
    }

    /**
     * {@code heartbeatMs} is 0 when the server did not say (the watchdog then stays off);
     * {@code clientId} is null when absent.
     */
    record Connected(String connectionId, String clientId, long heartbeatMs) implements Frame {
    }

    /** {@code resumed} is null when absent (live and rewind subscribes). */
    record Subscribed(String ref, String channel, String position, Boolean resumed, String reason)
            implements Reply {
    }

    record Unsubscribed(String ref, String channel) implements Reply {
    }

    record MessageFrame(Message message) implements Frame {
    }

    record Ack(String ref, String id, String position, boolean duplicate) implements Reply {
    }

    /**
     * {@code ref} is null when the error answers a frame the server could not read; {@code channel} is
     * null unless the error names one; {@code retryAfterMs} is 0 when the server did not say.
     */
    record Error(String ref, String channel, int code, String error, String message, boolean retryable,
                 long retryAfterMs) implements Reply {

        /** Codes this SDK does not know (a newer server) become {@link ErrorCode#INTERNAL}, text kept. */
        public ChorusException toException() {
            ErrorCode known = known();
            if (known != null) {
                return new ChorusException(known, message.isEmpty() ? known.meaning() : message, retryAfterMs);
            }
            return new ChorusException(ErrorCode.INTERNAL, "unknown error " + code + " " + error + ": " + message,
                    retryAfterMs);
        }

        private ErrorCode known() {
            ErrorCode byName = error == null ? null : ErrorCode.byWireName(error);
            if (byName != null) {
                return byName;
            }
            for (ErrorCode c : ErrorCode.values()) {
                if (c.code() == code) {
                    return c;
                }
            }
            return null;
        }
    }

    /** The answer to an in-band {@code auth}; {@code expiresAt} (epoch ms) is 0 when the token has none. */
    record Authed(String ref, String clientId, long expiresAt) implements Reply {
    }

    /** The server's warning that the connection's token expires at {@code expiresAt} (epoch ms). */
    record AuthExpiring(long expiresAt) implements Frame {
    }

    /** {@code entered}, {@code updated} or {@code left}: the presence change was stored. */
    record PresenceDone(String ref, String type, String channel) implements Reply {
    }

    /** A subscription's member list: after {@code subscribed}, and when the list is back under the cap. */
    record PresenceSync(PresenceMembers members) implements Frame {
    }

    /** The answer to a {@code presence} request. */
    record PresenceReply(String ref, PresenceMembers members) implements Reply {
    }

    record PresenceChange(String channel, PresenceEvent.Action action, PresenceMember member) implements Frame {
    }

    /** Counts for a subscription with {@code occupancy:true}. */
    record OccupancyEvent(Occupancy occupancy) implements Frame {
    }

    /** The answer to an {@code occupancy} request. */
    record OccupancyReply(String ref, Occupancy occupancy) implements Reply {
    }

    record Ping(String ref) implements Frame {
    }

    record Pong(String ref) implements Frame {
    }
}
