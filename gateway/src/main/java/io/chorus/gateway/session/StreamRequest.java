package io.chorus.gateway.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.chorus.schema.Position;
import io.chorus.schema.PositionsToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an SSE stream or a long-poll asks for, validated before anything starts: up to
 * {@code maxChannels} distinct channels (at least one unless it only enters) with a positions token of
 * one entry each; the channels among
 * them whose members ({@code presence}) and counts ({@code occupancy}) it watches; and the channels it
 * enters for as long as it lasts ({@code enter}, a JSON object of channel to member data).
 */
public record StreamRequest(List<ChannelName> channels, List<Position> starts, Set<String> presence,
                            Set<String> occupancy, Map<ChannelName, JsonNode> enter) {

    /** The raw query parameters of a stream request. */
    public record Params(List<String> channels, String token, List<String> presence, List<String> occupancy,
                         String enter) {
    }

    public static StreamRequest parse(Params p, int maxChannels, int maxEntered) {
        boolean entering = p.enter() != null && !p.enter().isEmpty();
        if (p.channels().isEmpty() && !entering) {
            // A stream that only keeps its client present needs no channel; anything else needs one.
            throw new ChorusException(ErrorCode.INVALID_FIELD, "give at least one channel or an enter parameter");
        }
        if (p.channels().size() > maxChannels) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "at most " + maxChannels + " channels per request");
        }
        List<ChannelName> channels = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String raw : p.channels()) {
            ChannelName c = ChannelName.parse(raw);
            if (!seen.add(c.value())) {
                throw new ChorusException(ErrorCode.INVALID_FIELD, "channel " + c + " is given twice");
            }
            channels.add(c);
        }
        return new StreamRequest(List.copyOf(channels), PositionsToken.parse(p.token(), channels.size()),
                among("presence", p.presence(), seen), among("occupancy", p.occupancy(), seen),
                enter(p.enter(), maxEntered));
    }

    /** Watches are options of subscriptions: each names one of the request's channels. */
    private static Set<String> among(String param, List<String> raw, Set<String> channels) {
        Set<String> out = new HashSet<>();
        for (String r : raw) {
            String c = ChannelName.parse(r).value();
            if (!channels.contains(c)) {
                throw new ChorusException(ErrorCode.INVALID_FIELD, param + "=" + c + " names no channel of the request");
            }
            out.add(c);
        }
        return Set.copyOf(out);
    }

    private static Map<ChannelName, JsonNode> enter(String raw, int maxEntered) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        JsonNode n;
        try {
            n = Frames.JSON.readTree(raw);
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.isObject()) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "enter must be a JSON object of channel to member data");
        }
        if (n.size() > maxEntered) {
            throw new ChorusException(ErrorCode.TOO_MANY_SUBSCRIPTIONS, "at most " + maxEntered
                    + " entered channels per connection");
        }
        Map<ChannelName, JsonNode> out = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> out.put(ChannelName.parse(e.getKey()), e.getValue()));
        return out;
    }
}
