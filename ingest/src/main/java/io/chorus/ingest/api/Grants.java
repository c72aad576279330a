package io.chorus.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The roles of ENGAGE.md as the gateway's {@code chorus} claim (PROTOCOL.md: channel patterns, a
 * trailing {@code *} is a prefix, to operations). Readers get {@code history} with {@code subscribe}
 * so a screen can page back through chat. {@code presence} is granted on the breakout rooms' chat
 * channels only ({@code engage-chat:CODE:room:*}): member lists are for small rooms, never for the
 * main event, which may hold 100,000 participants. The claim is fixed for the token's life while
 * rooms change, so it names every room of the event; ENGAGE.md says why that is acceptable.
 */
final class Grants {

    private static final String[] READ = {"subscribe", "history"};

    private Grants() {
    }

    /** Publishes on {@code engage-in:CODE}; reads the event, its chat and its own replies; room presence. */
    static ObjectNode participant(String code, String participant) {
        ObjectNode caps = JsonNodeFactory.instance.objectNode();
        caps.putArray("engage-in:" + code).add("publish");
        audience(caps, code);
        caps.putArray(rooms(code)).add("presence");
        read(caps, "engage-me:" + code + ":" + participant);
        return caps;
    }

    /**
     * Publishes on every staff channel of the event; reads everything of it, the rooms' members
     * included (the host enters no room, but {@code presence} is also what reading members needs).
     */
    static ObjectNode host(String code) {
        ObjectNode caps = JsonNodeFactory.instance.objectNode();
        for (String role : new String[] {"host", "moderator", "presenter"}) {
            caps.putArray("engage-ctl:" + code + ":" + role).add("publish");
        }
        audience(caps, code);
        caps.putArray(rooms(code)).add("presence");
        read(caps, "engage-mod:" + code);
        read(caps, "engage-me:" + code + ":*");
        return caps;
    }

    private static void audience(ObjectNode caps, String code) {
        read(caps, "engage:" + code);
        read(caps, "engage:" + code + ":*");
        read(caps, "engage-chat:" + code);
        read(caps, "engage-chat:" + code + ":*");
    }

    /** Every breakout room's channel of the event, not the main chat {@code engage-chat:CODE}. */
    private static String rooms(String code) {
        return "engage-chat:" + code + ":room:*";
    }

    private static void read(ObjectNode caps, String pattern) {
        var ops = caps.putArray(pattern);
        for (String op : READ) {
            ops.add(op);
        }
    }

    /** Whether a {@code chorus} claim allows {@code op} on {@code channel}, by the gateway's matching rule. */
    static boolean allows(JsonNode caps, String channel, String op) {
        if (caps == null || !caps.isObject()) {
            return false;
        }
        var fields = caps.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            String pattern = e.getKey();
            boolean matches = pattern.endsWith("*")
                    ? channel.startsWith(pattern.substring(0, pattern.length() - 1)) : channel.equals(pattern);
            if (matches && e.getValue().isArray()) {
                for (JsonNode o : e.getValue()) {
                    if (op.equals(o.textValue())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
