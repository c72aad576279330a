package io.chorus.gateway.session;

import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.chorus.schema.Position;
import io.chorus.schema.PositionsToken;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The channels and starting positions of an SSE or long-poll request, validated before anything
 * starts: 1 to {@code maxChannels} distinct valid channel names, and a token with one entry each.
 */
public record StreamRequest(List<ChannelName> channels, List<Position> starts) {

    public static StreamRequest parse(List<String> rawChannels, String token, int maxChannels) {
        if (rawChannels.isEmpty()) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "give at least one channel parameter");
        }
        if (rawChannels.size() > maxChannels) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "at most " + maxChannels + " channels per request");
        }
        List<ChannelName> channels = new ArrayList<>();
        HashSet<String> seen = new HashSet<>();
        for (String raw : rawChannels) {
            ChannelName c = ChannelName.parse(raw);
            if (!seen.add(c.value())) {
                throw new ChorusException(ErrorCode.INVALID_FIELD, "channel " + c + " is given twice");
            }
            channels.add(c);
        }
        return new StreamRequest(List.copyOf(channels), PositionsToken.parse(token, channels.size()));
    }
}
