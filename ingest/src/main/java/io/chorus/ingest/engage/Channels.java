package io.chorus.ingest.engage;

/** The output channel names of ENGAGE.md, in one place. */
public final class Channels {

    private Channels() {
    }

    /** {@code engage:CODE}: the event snapshot. */
    public static String event(String code) {
        return "engage:" + code;
    }

    /** {@code engage:CODE:a:ACTIVITY}: one activity's snapshot. */
    public static String activity(String code, String activity) {
        return "engage:" + code + ":a:" + activity;
    }

    /** {@code engage:CODE:qa}: published questions. */
    public static String qa(String code) {
        return "engage:" + code + ":qa";
    }

    /** {@code engage:CODE:reactions}: counts per emoji in the last window. */
    public static String reactions(String code) {
        return "engage:" + code + ":reactions";
    }

    /** {@code engage-mod:CODE}: the moderators' view. */
    public static String moderation(String code) {
        return "engage-mod:" + code;
    }

    /** {@code engage-chat:CODE}, or a room's {@code engage-chat:CODE:room:N} when {@code room} is not null. */
    public static String chat(String code, Integer room) {
        return room == null ? "engage-chat:" + code : "engage-chat:" + code + ":room:" + room;
    }

    /** {@code engage-me:CODE:PID}: one participant's replies and own state. */
    public static String me(String code, String participant) {
        return "engage-me:" + code + ":" + participant;
    }
}
