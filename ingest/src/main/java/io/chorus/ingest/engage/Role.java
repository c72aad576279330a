package io.chorus.ingest.engage;

/**
 * Who sent a command, read from the channel it came on (ENGAGE.md, "Events, codes and roles"): the
 * gateway let it publish there only with that capability, so ingest trusts the channel, never the
 * payload.
 */
public enum Role {
    PARTICIPANT, PRESENTER, MODERATOR, HOST;

    /** The role a staff channel's last part names ({@code engage-ctl:CODE:host}), or null. */
    public static Role ofStaffChannel(String last) {
        return switch (last) {
            case "host" -> HOST;
            case "moderator" -> MODERATOR;
            case "presenter" -> PRESENTER;
            default -> null;
        };
    }

    /** Whether this role may send a command that needs {@code needed}: the host may do what the others do. */
    public boolean covers(Role needed) {
        return this == needed || this == HOST;
    }
}
