package io.chorus.gateway.http;

import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads the channel out of {@code /v1/channels/{channel}/messages}, percent-decoded. */
final class ChannelPath {

    static final String PREFIX = "/v1/channels/";
    static final String SUFFIX = "/messages";

    private ChannelPath() {
    }

    static ChannelName parse(String rawPath) {
        if (!rawPath.startsWith(PREFIX) || !rawPath.endsWith(SUFFIX)
                || rawPath.length() <= PREFIX.length() + SUFFIX.length()) {
            throw new ChorusException(ErrorCode.INVALID_CHANNEL, "expected /v1/channels/{channel}/messages");
        }
        String raw = rawPath.substring(PREFIX.length(), rawPath.length() - SUFFIX.length());
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
