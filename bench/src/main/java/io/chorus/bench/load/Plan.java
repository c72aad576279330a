package io.chorus.bench.load;

import java.util.List;

/**
 * Who the subscribers are. Subscriber {@code i} (counted from {@code first}) holds {@code perConn}
 * subscriptions, to channels {@code (i * perConn + j) % channels}; channel {@code c} is named
 * {@code prefix + c}. Connections are spread round-robin over {@code sourceAddresses} (loopback
 * client ports run out near 28,000 per source address).
 */
public record Plan(String target, String transport, String host, int port, int first, int count, int channels,
                   int perConn, String prefix, List<String> sourceAddresses, int eventLoops,
                   int connectConcurrency, boolean trackPositions, long epoch) {

    public int[] channelsOf(int i) {
        int[] c = new int[perConn];
        for (int j = 0; j < perConn; j++) {
            c[j] = (int) (((long) i * perConn + j) % channels);
        }
        return c;
    }

    public String channelName(int c) {
        return prefix + c;
    }

    /** How many of this plan's subscriptions are on each channel. */
    public long[] subscriptionsPerChannel() {
        long[] n = new long[channels];
        for (int i = first; i < first + count; i++) {
            for (int c : channelsOf(i)) {
                n[c]++;
            }
        }
        return n;
    }

    public Plan slice(int from, int n) {
        return new Plan(target, transport, host, port, from, n, channels, perConn, prefix, sourceAddresses,
                eventLoops, connectConcurrency, trackPositions, epoch);
    }
}
