package io.chorus.gateway.transport.ably;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.config.AblyConfig;
import io.chorus.schema.ChannelName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An Ably capability (channel pattern to Ably operations) as tokens carry it: parsed from the JSON text
 * a TokenRequest or a token holds, checked to be within a key's ({@link #within}), and written in the
 * canonical form ably-js signs (auth.ts {@code c14n}: patterns sorted, operations sorted), so the mac a
 * client computed over it matches ours. Patterns are those Chorus can enforce: a channel name,
 * {@code namespace:*} or {@code *}, as in {@code ably.keys}.
 */
final class AblyCapability {

    /** More patterns than this in one capability is refused (bounds the work of checking one). */
    static final int MAX_PATTERNS = 100;

    private AblyCapability() {
    }

    /** Parses {@code text} (a JSON object); refuses anything Chorus cannot enforce with 40000 or 40003. */
    static Map<String, List<String>> parse(String text) {
        JsonNode n;
        try {
            n = MessageCodec.JSON.readTree(text);
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.isObject() || n.isEmpty() || n.size() > MAX_PATTERNS) {
            throw refuse(AblyCode.INVALID_PARAMETER_VALUE, "capability must be a JSON object of 1 to " + MAX_PATTERNS
                    + " channel patterns, each with an array of operations");
        }
        Map<String, List<String>> out = new TreeMap<>();
        var it = n.fields();
        while (it.hasNext()) {
            var e = it.next();
            String pattern = e.getKey();
            if (!validPattern(pattern)) {
                throw new AblyRefusal(AblyError.unsupported("capability pattern '" + shorten(pattern)
                        + "' (Chorus enforces a channel name, 'namespace:*' or '*')"));
            }
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                throw refuse(AblyCode.INVALID_PARAMETER_VALUE, "capability '" + shorten(pattern)
                        + "' needs an array of operations");
            }
            TreeSet<String> ops = new TreeSet<>();
            for (JsonNode op : e.getValue()) {
                if (!op.isTextual() || !AblyConfig.OPERATIONS.contains(op.textValue())) {
                    throw refuse(AblyCode.INVALID_PARAMETER_VALUE, "capability operations must be among "
                            + new TreeSet<>(AblyConfig.OPERATIONS));
                }
                ops.add(op.textValue());
            }
            out.put(pattern, new ArrayList<>(ops));
        }
        return out;
    }

    /** Whether every operation {@code asked} grants on every pattern is granted by {@code key} too. */
    static boolean within(Map<String, List<String>> asked, Map<String, List<String>> key) {
        for (var e : asked.entrySet()) {
            for (String op : e.getValue()) {
                if (!granted(key, e.getKey(), op)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean granted(Map<String, List<String>> key, String pattern, String op) {
        for (var k : key.entrySet()) {
            if (covers(k.getKey(), pattern) && (k.getValue().contains("*") || k.getValue().contains(op))) {
                return true;
            }
        }
        return false;
    }

    /** Whether key pattern {@code outer} matches every channel that {@code inner} matches. */
    static boolean covers(String outer, String inner) {
        if (outer.equals("*")) {
            return true;
        }
        if (outer.endsWith("*")) {
            return !inner.equals("*") && inner.startsWith(outer.substring(0, outer.length() - 1));
        }
        return outer.equals(inner);
    }

    /** The canonical JSON text (ably-js's c14n): patterns and their operations sorted. */
    static String canonical(Map<String, List<String>> capability) {
        var n = MessageCodec.JSON.createObjectNode();
        new TreeMap<>(capability).forEach((pattern, ops) -> {
            var a = n.putArray(pattern);
            new TreeSet<>(ops).forEach(a::add);
        });
        return n.toString();
    }

    private static boolean validPattern(String pattern) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith(":*")) {
            String ns = pattern.substring(0, pattern.length() - 2);
            return !ns.isEmpty() && !ns.contains("*") && ChannelName.problem(ns) == null;
        }
        return !pattern.contains("*") && ChannelName.problem(pattern) == null;
    }

    private static AblyRefusal refuse(AblyCode code, String message) {
        return new AblyRefusal(AblyError.of(code, message));
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
