package io.chorus.client.engage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * {@code engage:CODE}: the event as every screen sees it. Fields this SDK does not type (slides,
 * breakout, reactions, chat and Q&A settings) are in {@link #raw()}.
 *
 * @param seq          increases per channel; a newer snapshot has a higher one
 * @param current      the activity every screen shows, or null
 * @param activities   in creation order
 * @param participants how many joined
 */
public record EventSnapshot(long seq, String code, String title, long createdAt, String current,
                            List<Activity> activities, long participants, JsonNode raw) {

    public EventSnapshot {
        activities = List.copyOf(activities);
    }

    /** One activity as the event lists it. */
    public record Activity(String id, ActivityKind kind, String title, ActivityState state, int round) {
    }
}
