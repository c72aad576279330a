package io.chorus.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.schema.ChannelName;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Channel patterns to operations, e.g. {@code {"chat:*":["subscribe","publish"],"poll:evt42":["subscribe"]}}.
 * A pattern is an exact channel name, or a prefix ending in {@code *} ({@code *} alone matches every
 * channel). The union of matching patterns applies.
 */
public final class Capabilities {

    private record Grant(String pattern, boolean prefix, Set<Operation> ops) {
        boolean matches(String channel) {
            return prefix ? channel.startsWith(pattern) : channel.equals(pattern);
        }
    }

    public static final Capabilities NONE = new Capabilities(List.of());
    private static final int MAX_GRANTS = 100;

    private final List<Grant> grants;

    private Capabilities(List<Grant> grants) {
        this.grants = grants;
    }

    public boolean allows(ChannelName channel, Operation op) {
        for (Grant g : grants) {
            if (g.ops.contains(op) && g.matches(channel.value())) {
                return true;
            }
        }
        return false;
    }

    /** Parses the JSON form; null when it is not one (too many patterns, unknown operations, ...). */
    public static Capabilities parse(JsonNode node) {
        if (node == null || !node.isObject() || node.size() > MAX_GRANTS) {
            return null;
        }
        List<Grant> out = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String pattern = e.getKey();
            boolean prefix = pattern.endsWith("*");
            String stem = prefix ? pattern.substring(0, pattern.length() - 1) : pattern;
            if (!e.getValue().isArray() || (!prefix && ChannelName.problem(stem) != null)
                    || pattern.length() > ChannelName.MAX_BYTES || stem.contains("*")) {
                return null;
            }
            Set<Operation> ops = EnumSet.noneOf(Operation.class);
            for (JsonNode op : e.getValue()) {
                Operation o = op.isTextual() ? Operation.byWireName(op.textValue()) : null;
                if (o == null) {
                    return null;
                }
                ops.add(o);
            }
            out.add(new Grant(stem, prefix, ops));
        }
        return new Capabilities(List.copyOf(out));
    }

    /** From config: pattern to operation names. */
    public static Capabilities of(Map<String, List<String>> map) {
        com.fasterxml.jackson.databind.node.ObjectNode n = com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.objectNode();
        map.forEach((k, v) -> v.forEach(op -> n.withArray(k).add(op)));
        Capabilities c = parse(n);
        if (c == null) {
            throw new IllegalArgumentException("invalid capabilities " + map);
        }
        return c;
    }
}
