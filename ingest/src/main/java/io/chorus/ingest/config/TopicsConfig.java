package io.chorus.ingest.config;

import java.util.List;

/**
 * The topics ingest reads and writes. The defaults follow the gateway's namespace → topic rule
 * ({@code chorus.<namespace>}); change one here and in the gateway's namespace config together.
 *
 * @param in     participant commands ({@code engage-in:CODE})
 * @param ctl    staff commands ({@code engage-ctl:CODE:ROLE})
 * @param engage snapshots ({@code engage:*})
 * @param chat   chat messages ({@code engage-chat:*})
 * @param mod    the moderators' view ({@code engage-mod:*})
 * @param me     replies and own state ({@code engage-me:*})
 * @param audit  accepted responses for export (key = event code)
 * @param dead   records ingest could not apply, with the reason in headers
 */
public record TopicsConfig(String in, String ctl, String engage, String chat, String mod, String me,
                           String audit, String dead) {

    /** The topic a channel's namespace maps to, or null for a namespace ingest does not write. */
    public String forChannel(String channel) {
        int colon = channel.indexOf(':');
        String ns = colon < 0 ? channel : channel.substring(0, colon);
        return switch (ns) {
            case "engage" -> engage;
            case "engage-chat" -> chat;
            case "engage-mod" -> mod;
            case "engage-me" -> me;
            default -> null;
        };
    }

    public List<String> all() {
        return List.of(in, ctl, engage, chat, mod, me, audit, dead);
    }
}
