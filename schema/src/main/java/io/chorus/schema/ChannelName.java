package io.chorus.schema;

import java.nio.charset.StandardCharsets;

/**
 * A validated channel name: {@code namespace:rest} or a bare name (namespace {@code default}).
 * Characters {@code [A-Za-z0-9_\-:.@/]}, 1 to {@value #MAX_BYTES} bytes. Since every allowed
 * character is ASCII, the UTF-8 key bytes a backend produces are the name's characters.
 */
public record ChannelName(String value, String namespace) {

    public static final int MAX_BYTES = 200;
    public static final String DEFAULT_NAMESPACE = "default";

    /** Why a string is not a channel name; {@link #parse} reports it through {@link ChorusException}. */
    public static String problem(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "channel name is empty";
        }
        if (raw.length() > MAX_BYTES) {
            return "channel name is longer than " + MAX_BYTES + " bytes";
        }
        for (int i = 0; i < raw.length(); i++) {
            if (!allowed(raw.charAt(i))) {
                return "channel name has a character outside [A-Za-z0-9_-:.@/] at index " + i;
            }
        }
        int colon = raw.indexOf(':');
        if (colon == 0) {
            return "channel name has an empty namespace";
        }
        if (colon == raw.length() - 1) {
            return "channel name has nothing after its namespace";
        }
        return null;
    }

    public static ChannelName parse(String raw) {
        String problem = problem(raw);
        if (problem != null) {
            throw new ChorusException(ErrorCode.INVALID_CHANNEL, problem);
        }
        int colon = raw.indexOf(':');
        return new ChannelName(raw, colon < 0 ? DEFAULT_NAMESPACE : raw.substring(0, colon));
    }

    /** Parses a Kafka record key; null when the key is absent or not a valid name. */
    public static ChannelName fromKey(byte[] key) {
        if (key == null || key.length == 0 || key.length > MAX_BYTES) {
            return null;
        }
        for (byte b : key) {
            if (b < 0 || !allowed((char) b)) {
                return null;
            }
        }
        String raw = new String(key, StandardCharsets.US_ASCII);
        return problem(raw) == null ? parse(raw) : null;
    }

    public byte[] keyBytes() {
        return value.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '-' || c == ':' || c == '.' || c == '@' || c == '/';
    }

    @Override
    public String toString() {
        return value;
    }
}
