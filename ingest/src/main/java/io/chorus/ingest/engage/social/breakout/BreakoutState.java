package io.chorus.ingest.engage.social.breakout;

import io.chorus.ingest.engage.Kv;
import java.util.List;

/**
 * What is stored under {@code CODE|breakout} and embedded as it is in the event snapshot.
 *
 * @param activity the poll run in every room, or null
 * @param assign   {@code even}, {@code random} or {@code chosen}
 * @param at       the timestamp of the command that opened or closed it
 * @param sizes    participants per room (index 0 is room 1): late joiners go to the smallest room
 */
public record BreakoutState(boolean open, int rooms, String activity, String assign, long at, List<Integer> sizes) {

    public BreakoutState {
        sizes = List.copyOf(sizes);
    }

    public static String key(String code) {
        return Kv.key(code, "breakout");
    }

    public BreakoutState closed(long closedAt) {
        return new BreakoutState(false, rooms, activity, assign, closedAt, sizes);
    }

    /** The smallest room (the lowest number among equals), from 1. */
    public int smallestRoom() {
        int best = 0;
        for (int i = 1; i < sizes.size(); i++) {
            if (sizes.get(i) < sizes.get(best)) {
                best = i;
            }
        }
        return best + 1;
    }

    public BreakoutState plusOne(int room) {
        Integer[] next = sizes.toArray(Integer[]::new);
        next[room - 1]++;
        return new BreakoutState(open, rooms, activity, assign, at, List.of(next));
    }
}
