package io.chorus.gateway.publish;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message ids this pod published lately, per channel, with their positions: a bounded LRU
 * ({@code capacity}) whose entries also expire after the dedup window.
 */
final class RecentIds {

    private record Entry(String position, long at) {
    }

    private final int capacity;
    private final long windowMs;
    private final Clock clock;
    private final LinkedHashMap<String, Entry> map;

    RecentIds(int capacity, long windowMs, Clock clock) {
        this.capacity = capacity;
        this.windowMs = windowMs;
        this.clock = clock;
        this.map = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > RecentIds.this.capacity;
            }
        };
    }

    synchronized String get(String key) {
        Entry e = map.get(key);
        if (e == null) {
            return null;
        }
        if (clock.millis() - e.at > windowMs) {
            map.remove(key);
            return null;
        }
        return e.position;
    }

    synchronized void put(String key, String position) {
        map.put(key, new Entry(position, clock.millis()));
    }
}
