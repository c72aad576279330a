package io.chorus.ingest.engage.social;

import io.chorus.ingest.engage.Command;
import java.util.function.Function;

/**
 * The id of a question or chat message: the command id, so a replay yields the same id. The runtime
 * deduplicates command ids per participant, and clients choose their ids, so two participants may send
 * the same one ({@code m-1}); the second then gets {@code ID/PID}, still deterministic and unique in
 * the event.
 */
public final class MessageIds {

    private MessageIds() {
    }

    /**
     * The id for {@code c}, or null when this participant's command was applied already.
     *
     * @param senderOf the sender of an existing message with that id, or null when there is none
     */
    public static String of(Command c, Function<String, String> senderOf) {
        String id = c.id();
        for (int attempt = 0; attempt < 2; attempt++) {
            String sender = senderOf.apply(id);
            if (sender == null) {
                return id;
            }
            if (sender.equals(c.participant())) {
                return null;
            }
            id = c.id() + "/" + c.participant();
        }
        // ID/PID names this participant, so only this participant's own command can hold it.
        return null;
    }
}
