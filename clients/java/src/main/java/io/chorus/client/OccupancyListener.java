package io.chorus.client;

/**
 * Hears a channel's counts, for a subscription made with
 * {@link SubscribeOptions#withOccupancy(OccupancyListener)}: once after each {@code subscribed}, then
 * whenever they changed, at most once per the gateway's {@code presence.occupancyInterval}
 * (intermediate counts are skipped). On the client's delivery thread.
 */
@FunctionalInterface
public interface OccupancyListener {

    void onOccupancy(Occupancy occupancy);
}
