package io.chorus.ingest.engage.social.breakout;

import io.chorus.ingest.engage.Kv;

/** A participant's room while a breakout is open, stored under {@code CODE|room|PID} (rooms count from 1). */
public record Room(int room) {

    public static String key(String code, String participant) {
        return Kv.key(code, "room", participant);
    }

    public static String prefix(String code) {
        return Kv.key(code, "room", "");
    }

    /** The participant's room, or null when they are in the main event. */
    public static Integer of(String code, String participant, Kv kv) {
        Room r = kv.get(key(code, participant), Room.class);
        return r == null ? null : r.room();
    }
}
