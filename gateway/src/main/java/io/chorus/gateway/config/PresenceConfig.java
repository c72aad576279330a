package io.chorus.gateway.config;

import java.time.Duration;

/**
 * Presence and occupancy across pods (PROTOCOL.md "Presence and occupancy"). Each pod writes its
 * share of every channel to {@code topic} at most once per {@code flushInterval} and renews it every
 * third of {@code lease}; a share not renewed within the lease is dropped. A member whose connection
 * closed stays for {@code grace}. Bounds: {@code maxMembers} listed per channel (above: counts only),
 * {@code maxDataBytes} of member data, {@code maxChannels} channels tracked per pod.
 */
public record PresenceConfig(String topic, Duration lease, Duration grace, int maxMembers, int maxDataBytes,
                             int maxChannels, Duration flushInterval, Duration occupancyInterval) {
}
