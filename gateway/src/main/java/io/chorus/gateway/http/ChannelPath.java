package io.chorus.gateway.http;

import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads the channel out of {@code /v1/channels/{channel}/messages} (or /presence, /occupancy), percent-decoded. */
final class ChannelPath {

    static final String PREFIX = "/v1/channels/";
    static final String SUFFIX = "/messages";

    private ChannelPath() {
    }

    static ChannelName parse(String rawPath) {
        return parse(rawPath, SUFFIX);
    }

    /** The channel of {@code /v1/channels/{channel}} followed by {@code suffix}. */
    static ChannelName parse(String rawPath, String suffix) {
        if (!rawPath.startsWith(PREFIX) || !rawPath.endsWith(suffix)
                || rawPath.length() <= PREFIX.length() + suffix.length()) {
            throw new ChorusException(ErrorCode.INVALID_CHANNEL, "expected /v1/channels/{channel}" + suffix);
        }
        String raw = rawPath.substring(PREFIX.length(), rawPath.length() - suffix.length());
        if (raw.length() > 3 * ChannelName.MAX_BYTES) {
            throw new ChorusException(ErrorCode.INVALID_CHANNEL, "channel name is too long");
        }
        try {
            return ChannelName.parse(URLDecoder.decode(raw, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new ChorusException(ErrorCode.INVALID_CHANNEL, "channel is not valid percent-encoding");
        }
    }

    static String encode(ChannelName channel) {
        return channel.value().replace("/", "%2F");
    }
}
