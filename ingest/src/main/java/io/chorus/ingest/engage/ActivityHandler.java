package io.chorus.ingest.engage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lifecycle common to every kind of activity ({@code draft → open → closed → results}; open or rerun
 * after close starts the next round, with empty results) and the routing of a kind's own commands:
 * participant commands reach {@link ActivityKind#apply} only for an open activity in the round they name;
 * staff commands reach {@link ActivityKind#control}.
 */
public final class ActivityHandler implements Handler {

    private static final Set<String> LIFECYCLE = Set.of("activity.create", "activity.open", "activity.close",
            "activity.reveal", "activity.rerun");

    private final Map<String, ActivityKind> kinds = new LinkedHashMap<>();
    private final Set<String> participantTypes = new HashSet<>();
    private final Set<String> controlTypes = new HashSet<>();

    public ActivityHandler(List<ActivityKind> kinds) {
        for (ActivityKind k : kinds) {
            if (this.kinds.putIfAbsent(k.kind(), k) != null) {
                throw new IllegalStateException("activity kind '" + k.kind() + "' is registered twice");
            }
            participantTypes.addAll(k.types());
            controlTypes.addAll(k.controlTypes());
        }
        if (participantTypes.stream().anyMatch(t -> controlTypes.contains(t) || LIFECYCLE.contains(t))
                || controlTypes.stream().anyMatch(LIFECYCLE::contains)) {
            throw new IllegalStateException("a command type is both a participant and a staff command");
        }
    }

    @Override
    public Set<String> types() {
        Set<String> all = new HashSet<>(LIFECYCLE);
        all.addAll(participantTypes);
        all.addAll(controlTypes);
        return all;
    }

    @Override
    public void apply(Command c, Engagement ctx) {
        switch (c.type()) {
            case "activity.create" -> create(c, ctx);
            case "activity.open" -> transition(c, ctx, "open");
            case "activity.close" -> transition(c, ctx, "close");
            case "activity.reveal" -> transition(c, ctx, "reveal");
            case "activity.rerun" -> transition(c, ctx, "rerun");
            default -> {
                if (participantTypes.contains(c.type())) {
                    respond(c, ctx);
                } else {
                    control(c, ctx);
                }
            }
        }
    }

    private void create(Command c, Engagement ctx) {
        c.require(Role.HOST);
        String id = Check.id(c.field("activity"), "activity");
        if (ctx.kv().get(Activity.key(c.event(), id), Activity.class) != null) {
            throw new Refusal(EngageError.ACTIVITY_EXISTS, "activity " + id + " exists");
        }
        String kindName = c.field("kind") == null ? null : c.field("kind").asText();
        ActivityKind kind = kindName == null ? null : kinds.get(kindName);
        if (kind == null) {
            throw Check.invalid("'kind' must be one of " + String.join(", ", kinds.keySet()));
        }
        if (Events.activityCount(c.event(), ctx) >= ctx.limits().activities()) {
            throw new Refusal(EngageError.LIMIT_REACHED, "the event has its " + ctx.limits().activities()
                    + " activities");
        }
        String title = c.field("title") == null ? "" : Check.text(c.field("title"), "title", 0, ctx.limits().textChars());
        ObjectNode settings = ctx.json().createObjectNode();
        settings.put("allowChange", Check.bool(c.field("allowChange"), "allowChange", false));
        settings.put("results", Check.oneOf(c.field("results"), "results", "live", "live", "voted", "closed"));
        settings.put("scope", Check.oneOf(c.field("scope"), "scope", "event", "event", "rooms"));
        ObjectNode definition = kind.define(c.body(), ctx.limits());
        Activity a = new Activity(c.event(), id, kind.kind(), title, Activity.DRAFT, 0, definition, settings, 0);
        ctx.kv().put(Activity.key(c.event(), id), a);
        Events.addActivity(c.event(), id, ctx);
        changed(a, ctx);
    }

    private void transition(Command c, Engagement ctx, String action) {
        c.require(Role.HOST);
        Activity a = find(c, ctx);
        String s = a.state();
        Activity next = switch (action) {
            case "open" -> {
                if (a.isOpen()) {
                    throw Check.invalid("activity " + a.id() + " is open");
                }
                yield a.withState(Activity.OPEN, a.round() + 1, c.timestamp());
            }
            case "close" -> {
                if (!a.isOpen()) {
                    throw new Refusal(EngageError.ACTIVITY_NOT_OPEN, "activity " + a.id() + " is " + s);
                }
                yield a.withState(Activity.CLOSED, a.round(), a.openedAt());
            }
            case "reveal" -> {
                if (Activity.DRAFT.equals(s) || Activity.RESULTS.equals(s)) {
                    throw Check.invalid("activity " + a.id() + " is " + s + ": nothing to reveal");
                }
                yield a.withState(Activity.RESULTS, a.round(), a.openedAt());
            }
            default -> a.withState(Activity.OPEN, a.round() + 1, c.timestamp());
        };
        if (next.round() != a.round()) {
            dropPending(a, ctx);
            if (a.round() > 0) {
                // The old round is never read again (every key names its round): deleted in the background.
                kinds.get(a.kind()).roundPrefixes(a).forEach(ctx.effects()::forget);
            }
        }
        ctx.kv().put(Activity.key(c.event(), a.id()), next);
        changed(next, ctx);
    }

    /** Entries of the last round still waiting for moderation no longer apply. */
    private static void dropPending(Activity a, Engagement ctx) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        ctx.kv().scan(Kv.key(a.event(), "pending", a.id(), ""), ObjectNode.class, (k, v) -> keys.add(k));
        keys.forEach(ctx.kv()::delete);
        if (!keys.isEmpty()) {
            ctx.effects().changed(Channels.moderation(a.event()));
        }
    }

    private void respond(Command c, Engagement ctx) {
        if (c.role() != Role.PARTICIPANT) {
            throw new Refusal(EngageError.FORBIDDEN, "'" + c.type() + "' is sent on engage-in:" + c.event());
        }
        Activity a = find(c, ctx);
        ActivityKind kind = kinds.get(a.kind());
        if (!kind.types().contains(c.type())) {
            throw Check.invalid("'" + c.type() + "' does not apply to a " + a.kind() + " activity");
        }
        if (!a.isOpen()) {
            throw new Refusal(EngageError.ACTIVITY_NOT_OPEN, "activity " + a.id() + " is " + a.state());
        }
        long round = c.integer("round");
        if (round != a.round()) {
            throw new Refusal(EngageError.WRONG_ROUND, "activity " + a.id() + " is in round " + a.round());
        }
        kind.apply(c, a, ctx);
        ctx.effects().changed(Channels.activity(c.event(), a.id()));
        ctx.effects().changed(Channels.me(c.event(), c.participant()));
    }

    private void control(Command c, Engagement ctx) {
        if (c.role() == Role.PARTICIPANT) {
            throw new Refusal(EngageError.FORBIDDEN, "'" + c.type() + "' is a staff command");
        }
        Activity a = find(c, ctx);
        ActivityKind kind = kinds.get(a.kind());
        if (!kind.controlTypes().contains(c.type())) {
            throw Check.invalid("'" + c.type() + "' does not apply to a " + a.kind() + " activity");
        }
        kind.control(c, a, ctx);
        ctx.effects().changed(Channels.activity(c.event(), a.id()));
    }

    private Activity find(Command c, Engagement ctx) {
        String id = Check.id(c.field("activity"), "activity");
        Activity a = ctx.kv().get(Activity.key(c.event(), id), Activity.class);
        if (a == null || !kinds.containsKey(a.kind())) {
            throw new Refusal(EngageError.UNKNOWN_ACTIVITY, "no activity " + id);
        }
        return a;
    }

    private static void changed(Activity a, Engagement ctx) {
        ctx.effects().changed(Channels.event(a.event()));
        ctx.effects().changed(Channels.activity(a.event(), a.id()));
    }
}
