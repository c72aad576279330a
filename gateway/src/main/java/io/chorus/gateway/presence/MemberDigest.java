package io.chorus.gateway.presence;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code digest} of a channel's member list (PROTOCOL.md "Member lists and events"): what a
 * long-poll client echoes so that a change between two polls answers the next poll at once.
 *
 * <p>It is the sum, modulo 2<sup>64</sup>, of one 64-bit hash per member over its client id and its
 * data. A sum does not depend on order, so every pod gets the same value from the same members
 * whatever order it learnt them in, and it can be kept up to date one member at a time. {@code
 * updatedAt} is left out on purpose: a polling client enters again with each poll, which renews the
 * time but changes nothing another client would see. Object keys are hashed in sorted order, because
 * member data that differs only in key order is the same member ({@link Member#sameAs}).
 */
public final class MemberDigest {

    /** The digest of a list over {@code presence.maxMembers}: counts only, no member events. */
    public static final String CAPPED = "capped";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{16}");

    private MemberDigest() {
    }

    /** One member's share of the sum. */
    static long of(Member m) {
        StringBuilder text = new StringBuilder(m.clientId().length() + 32).append(m.clientId()).append('\u0000');
        canonical(m.data(), text);
        byte[] sha;
        try {
            sha = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = h << 8 | (sha[i] & 0xff);
        }
        return h;
    }

    /** The digest of a whole list, as the frames carry it. */
    public static String of(List<Member> members) {
        if (members == null) {
            return CAPPED;
        }
        long sum = 0;
        for (Member m : members) {
            sum += of(m);
        }
        return format(sum);
    }

    static String format(long sum) {
        return String.format("%016x", sum);
    }

    /** Whether a client's value has the shape of a digest (16 hex digits, or {@link #CAPPED}). */
    public static boolean valid(String s) {
        return CAPPED.equals(s) || HEX.matcher(s).matches();
    }

    /** JSON with object keys sorted at every level; scalars as Jackson writes them. */
    private static void canonical(JsonNode n, StringBuilder out) {
        if (n.isObject()) {
            List<String> keys = new ArrayList<>();
            n.fieldNames().forEachRemaining(keys::add);
            keys.sort(null);
            out.append('{');
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(com.fasterxml.jackson.databind.node.TextNode.valueOf(keys.get(i))).append(':');
                canonical(n.get(keys.get(i)), out);
            }
            out.append('}');
        } else if (n.isArray()) {
            out.append('[');
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                canonical(it.next(), out);
                if (it.hasNext()) {
                    out.append(',');
                }
            }
            out.append(']');
        } else {
            out.append(n.toString());
        }
    }
}
