package io.chorus.ingest.engage.poll;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One participant's response in one round, as stored: what they sent (normalized), the room it was
 * counted in (scope {@code rooms}), when, and whether it counts yet.
 *
 * @param status {@code counted}, or for moderated kinds {@code pending} (waiting for
 *               {@code poll.moderate}) or {@code dismissed}
 */
record PollResponse(ObjectNode value, Integer room, long at, String status) {

    static final String COUNTED = "counted";
    static final String PENDING = "pending";
    static final String DISMISSED = "dismissed";

    boolean counted() {
        return COUNTED.equals(status);
    }

    PollResponse withStatus(String next) {
        return new PollResponse(value, room, at, next);
    }
}
