package io.chorus.ingest.engage.social;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Refusal;

/**
 * Who is in the event ({@code CODE|participant|PID}, written by {@code participant.join}) and who is
 * banned ({@code CODE|ban|PID}). The social rules take input only from joined participants: that
 * bounds every per-participant key by {@code limits.participants} and gives messages a name.
 */
public final class Participants {

    private Participants() {
    }

    public static String key(String code, String participant) {
        return Kv.key(code, "participant", participant);
    }

    public static String banKey(String code, String participant) {
        return Kv.key(code, "ban", participant);
    }

    /** The participant's display name, else {@code invalid_command}: they must join first. */
    public static String name(String code, String participant, Engagement ctx) {
        String name = nameOrNull(code, participant, ctx.kv());
        if (name == null) {
            throw new Refusal(EngageError.INVALID_COMMAND,
                    "participant '" + participant + "' has not joined: send participant.join first");
        }
        return name;
    }

    /** The display name, or null when the participant never joined. */
    public static String nameOrNull(String code, String participant, Kv kv) {
        ObjectNode p = kv.get(key(code, participant), ObjectNode.class);
        return p == null ? null : p.path("name").asText("");
    }

    public static boolean banned(String code, String participant, Kv kv) {
        return kv.get(banKey(code, participant), ObjectNode.class) != null;
    }
}
