package io.chorus.ingest.stream;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers a command carries from the reader to the event's task (the repartition topic keeps record
 * headers and timestamps), and the checks on what the gateway wrote.
 */
final class Envelope {

    /** The sender: the token's {@code sub}, written by the gateway. */
    static final String CLIENT = "chorus-client";
    /** The command id: the publish's message id, else the source position. */
    static final String ID = "chorus-id";
    /** The sender's role, read from the channel. */
    static final String ROLE = "chorus-ingest-role";
    /** Where the command was read: {@code topic/partition/offset}, for dead-letter copies made later. */
    static final String SOURCE = "chorus-ingest-source";
    /** Set instead of a command when the reader refused the record: the error code to reply with. */
    static final String REFUSE = "chorus-ingest-refuse";

    static final String DEAD_REASON = "chorus-dead-reason";
    static final String DEAD_TOPIC = "chorus-dead-topic";
    static final String DEAD_PARTITION = "chorus-dead-partition";
    static final String DEAD_OFFSET = "chorus-dead-offset";

    /** Event codes: ENGAGE.md's alphabet without I, O, 0, 1. */
    static final Pattern CODE = Pattern.compile("[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}");
    /** Participant ids become part of a channel name ({@code engage-me:CODE:PID}) and of store keys. */
    static final Pattern PARTICIPANT = Pattern.compile("[A-Za-z0-9_\\-:.@/]{1,128}");

    private Envelope() {
    }

    static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static void set(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Command ids: 1..128 characters without control characters (the gateway allows a narrower set). */
    static boolean validId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        return id.chars().noneMatch(Character::isISOControl);
    }
}
