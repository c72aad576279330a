package io.chorus.ingest.engage.social.breakout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Handler;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Refusal;
import io.chorus.ingest.engage.Role;
import io.chorus.ingest.engage.social.EventSettings;
import io.chorus.ingest.engage.social.Participants;
import io.chorus.ingest.engage.social.SocialMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code breakout.open} and {@code breakout.close} (host), and {@link #assignLate} for participants who
 * join while a breakout is open.
 */
public final class Breakout implements Handler {

    private final SocialMetrics metrics;

    public Breakout(SocialMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Set<String> types() {
        return Set.of("breakout.open", "breakout.close");
    }

    @Override
    public void apply(Command c, Engagement ctx) {
        c.require(Role.HOST);
        EventSettings.of(c, ctx);
        switch (c.type()) {
            case "breakout.open" -> open(c, ctx);
            case "breakout.close" -> close(c, ctx);
            default -> throw new Refusal(EngageError.INVALID_COMMAND, "unknown type '" + c.type() + "'");
        }
    }

    private void open(Command c, Engagement ctx) {
        String code = c.event();
        Kv kv = ctx.kv();
        BreakoutState current = kv.get(BreakoutState.key(code), BreakoutState.class);
        if (current != null && current.open()) {
            throw new Refusal(EngageError.INVALID_COMMAND, "a breakout is already open: close it first");
        }
        long asked = c.integer("rooms");
        if (asked < 1) {
            throw new Refusal(EngageError.INVALID_COMMAND, "'rooms' must be at least 1");
        }
        if (asked > ctx.limits().rooms()) {
            throw new Refusal(EngageError.LIMIT_REACHED, "at most " + ctx.limits().rooms() + " rooms");
        }
        int rooms = (int) asked;
        String assign = c.text("assign");
        String activity = c.field("activity") == null ? null : c.text("activity");
        if (activity != null && kv.get(Activity.key(code, activity), ObjectNode.class) == null) {
            throw new Refusal(EngageError.UNKNOWN_ACTIVITY, "no activity '" + activity + "'");
        }
        List<String> participants = participants(code, kv);
        Map<String, Integer> plan = switch (assign) {
            case "even" -> Assignment.even(participants, rooms);
            case "random" -> Assignment.random(participants, rooms, c.id());
            case "chosen" -> Assignment.chosen(participants, rooms, choices(c, code, rooms, kv));
            default -> throw new Refusal(EngageError.INVALID_COMMAND, "'assign' must be even, random or chosen");
        };
        Integer[] sizes = new Integer[rooms];
        java.util.Arrays.fill(sizes, 0);
        for (Map.Entry<String, Integer> e : plan.entrySet()) {
            kv.put(Room.key(code, e.getKey()), new Room(e.getValue()));
            ctx.effects().send(Channels.me(code, e.getKey()), roomMessage(ctx, e.getValue(), rooms));
            sizes[e.getValue() - 1]++;
        }
        kv.put(BreakoutState.key(code), new BreakoutState(true, rooms, activity, assign, c.timestamp(), List.of(sizes)));
        ctx.effects().changed(Channels.event(code));
        metrics.count(SocialMetrics.Event.BREAKOUT_OPENED);
        metrics.count(SocialMetrics.Event.ROOM_ASSIGNED, plan.size());
    }

    private void close(Command c, Engagement ctx) {
        String code = c.event();
        Kv kv = ctx.kv();
        BreakoutState current = kv.get(BreakoutState.key(code), BreakoutState.class);
        if (current == null || !current.open()) {
            throw new Refusal(EngageError.INVALID_COMMAND, "no breakout is open");
        }
        // Collected first: deleting while a store iterator is open is not safe in every store.
        List<String> inRooms = new ArrayList<>();
        String prefix = Room.prefix(code);
        kv.scan(prefix, Room.class, (k, r) -> inRooms.add(k.substring(prefix.length())));
        for (String pid : inRooms) {
            kv.delete(Room.key(code, pid));
            ctx.effects().send(Channels.me(code, pid), roomMessage(ctx, null, current.rooms()));
        }
        kv.put(BreakoutState.key(code), current.closed(c.timestamp()));
        ctx.effects().changed(Channels.event(code));
        metrics.count(SocialMetrics.Event.BREAKOUT_CLOSED);
    }

    /**
     * Puts a participant who joined while a breakout is open in the smallest room and tells them, for the
     * {@code participant.join} rule to call after it recorded the participant. A participant who already
     * has a room (a rejoin) is told their room again, as their screen may have missed it. Returns the
     * room, or null when no breakout is open.
     */
    public static Integer assignLate(String code, String participant, Engagement ctx) {
        Kv kv = ctx.kv();
        BreakoutState current = kv.get(BreakoutState.key(code), BreakoutState.class);
        if (current == null || !current.open()) {
            return null;
        }
        Integer room = Room.of(code, participant, kv);
        if (room == null) {
            room = current.smallestRoom();
            kv.put(Room.key(code, participant), new Room(room));
            kv.put(BreakoutState.key(code), current.plusOne(room));
            ctx.effects().changed(Channels.event(code));
        }
        ctx.effects().send(Channels.me(code, participant), roomMessage(ctx, room, current.rooms()));
        return room;
    }

    /** Every joined participant's id, in id order (the store's key order). */
    private static List<String> participants(String code, Kv kv) {
        List<String> ids = new ArrayList<>();
        String prefix = Participants.key(code, "");
        kv.scan(prefix, JsonNode.class, (k, v) -> ids.add(k.substring(prefix.length())));
        return ids;
    }

    /** {@code assignments} of an {@code assign: chosen}: joined participants to rooms in 1..rooms. */
    private static Map<String, Integer> choices(Command c, String code, int rooms, Kv kv) {
        JsonNode a = c.field("assignments");
        if (a == null || !a.isObject()) {
            throw new Refusal(EngageError.INVALID_COMMAND, "'assignments' must be an object {participant: room}");
        }
        Map<String, Integer> choices = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : a.properties()) {
            JsonNode r = e.getValue();
            if (!r.isIntegralNumber() || !r.canConvertToInt() || r.asInt() < 1 || r.asInt() > rooms) {
                throw new Refusal(EngageError.INVALID_COMMAND,
                        "'assignments." + e.getKey() + "' must be a room from 1 to " + rooms);
            }
            if (Participants.nameOrNull(code, e.getKey(), kv) == null) {
                throw new Refusal(EngageError.INVALID_COMMAND, "no participant '" + e.getKey() + "' in this event");
            }
            choices.put(e.getKey(), r.asInt());
        }
        return choices;
    }

    private static ObjectNode roomMessage(Engagement ctx, Integer room, int rooms) {
        ObjectNode m = ctx.json().createObjectNode();
        m.put("type", "room");
        if (room == null) {
            m.putNull("room");
        } else {
            m.put("room", room);
            m.put("rooms", rooms);
        }
        return m;
    }
}
