package io.chorus.gateway.transport.poll;

import io.chorus.gateway.presence.MemberDigest;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.vertx.core.MultiMap;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a poll's client says it last saw of its watches (PROTOCOL.md "Stream parameters"):
 * {@code presenceSeen} (the {@code digest} of each watched member list) and {@code occupancySeen}
 * ({@code subscribers:members}), one comma-separated entry per {@code channel} parameter, in their
 * order, like the positions token. An empty entry means "nothing seen yet". Each entry has a fixed
 * shape and the entries are as many as the channels, so the parameters are bounded by the channel
 * limit; anything else is {@code invalid_field}, refused before the poll starts.
 */
record SeenParams(List<String> presence, List<String> occupancy) {

    static final String PRESENCE = "presenceSeen";
    static final String OCCUPANCY = "occupancySeen";
    /** Two counts of at most ten digits each: what occupancy frames carry (ints). */
    private static final Pattern COUNTS = Pattern.compile("(0|[1-9][0-9]{0,9}):(0|[1-9][0-9]{0,9})");
    private static final int MAX_ENTRY = 21;

    /** Both null when the poll sent neither: it behaves as before they existed. */
    static SeenParams parse(MultiMap params) {
        int channels = params.getAll("channel").size();
        return new SeenParams(entries(params, PRESENCE, channels, s -> MemberDigest.valid(s)),
                entries(params, OCCUPANCY, channels, s -> COUNTS.matcher(s).matches()));
    }

    private static List<String> entries(MultiMap params, String name, int channels, Predicate<String> valid) {
        List<String> all = params.getAll(name);
        if (all.isEmpty()) {
            return null;
        }
        if (all.size() > 1) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, name + " is given twice");
        }
        String raw = all.get(0);
        // Checked before splitting: the split never makes more than the channel limit's entries.
        if (raw.length() > channels * (MAX_ENTRY + 1)) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, name + " is longer than " + channels + " entries can be");
        }
        List<String> out = Arrays.asList(raw.split(",", -1));
        if (out.size() != channels) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, name + " must have one entry per channel parameter ("
                    + channels + "), comma-separated");
        }
        for (String e : out) {
            if (!e.isEmpty() && !valid.test(e)) {
                throw new ChorusException(ErrorCode.INVALID_FIELD, name + " entry '" + e + "' is not one the gateway sent");
            }
        }
        return out;
    }

    /** The entries by channel, for the request's (validated) channels in parameter order; null when absent. */
    static Map<String, String> byChannel(List<String> entries, List<ChannelName> channels) {
        if (entries == null) {
            return null;
        }
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < channels.size(); i++) {
            out.put(channels.get(i).value(), entries.get(i));
        }
        return out;
    }
}
