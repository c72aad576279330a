package io.chorus.gateway.session;

import io.chorus.schema.ChannelName;
import io.chorus.schema.Position;
import io.chorus.schema.PositionsToken;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The positions token of an SSE stream or a long-poll: the last position of each of the request's
 * channels, in the request's order. Every event carries it, so a reconnect resumes the whole set
 * exactly where the stream stopped. Touched on the session's event loop only.
 */
final class StreamPositions {

    private final Map<String, Integer> index = new HashMap<>();
    private final String[] positions;

    StreamPositions(List<ChannelName> channels, List<Position> starts) {
        positions = new String[channels.size()];
        for (int i = 0; i < positions.length; i++) {
            index.put(channels.get(i).value(), i);
            Position p = starts.get(i);
            positions[i] = p == null ? null : p.encode();
        }
    }

    /** The channel's position is now this one (a subscription started there, or a message was delivered). */
    void moved(String channel, String position) {
        Integer i = index.get(channel);
        if (i != null) {
            positions[i] = position;
        }
    }

    String token() {
        return PositionsToken.format(positions);
    }
}
