package io.chorus.ingest.engage.social;

/** Reads the event code out of an output channel name, so a renderer knows whether it owns a channel. */
public final class ChannelCode {

    private ChannelCode() {
    }

    /**
     * The code in {@code prefix + CODE + suffix}, or null when {@code channel} has another shape (a code
     * never holds {@code :}, so {@code engage:ABC234:a:x} is not mistaken for a channel ending in {@code :x}).
     */
    public static String of(String channel, String prefix, String suffix) {
        if (channel == null || !channel.startsWith(prefix) || !channel.endsWith(suffix)
                || channel.length() <= prefix.length() + suffix.length()) {
            return null;
        }
        String code = channel.substring(prefix.length(), channel.length() - suffix.length());
        return code.indexOf(':') >= 0 ? null : code;
    }
}
