package io.chorus.ingest.engage.poll;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.ActivityKind;
import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The rules every poll shares: {@code poll.vote} once per participant and round (with {@code allowChange},
 * a new response replaces the old: its contribution is taken out, then the new one added, so counts are
 * exact), tallies for the event and, with scope {@code rooms}, for the room the participant was in.
 * A kind supplies how a response is checked ({@link #parse}), what it adds to a tally ({@link #tally}),
 * and how results look ({@link #results}).
 */
abstract class PollKind implements ActivityKind {

    static final String VOTE = "poll.vote";
    /** The tally part of the whole event; a room's is {@code r<N>}. */
    static final String EVENT = "e";

    @Override
    public Set<String> types() {
        return Set.of(VOTE);
    }

    /** Checks the command's response fields and returns the response to store, normalized. */
    abstract ObjectNode parse(Command c, Activity a, Engagement ctx);

    /** Adds ({@code sign} 1) or removes (-1) a counted response's contribution to a tally object. */
    abstract void tally(Activity a, ObjectNode tally, ObjectNode response, int sign);

    /** Fills {@code out} with the results of one part (the event or a room). */
    abstract void results(Activity a, String part, ObjectNode tally, ObjectNode out, Engagement ctx);

    /** Contributions kept outside the tally object (word counts, published texts). */
    void extra(Activity a, String part, String participant, PollResponse r, int sign, Engagement ctx) {
    }

    /** Whether responses wait for {@code poll.moderate} before they count. */
    boolean moderated(Activity a) {
        return false;
    }

    @Override
    public void apply(Command c, Activity a, Engagement ctx) {
        ObjectNode value = parse(c, a, ctx);
        String key = responseKey(a, c.participant());
        PollResponse old = ctx.kv().get(key, PollResponse.class);
        if (old != null && !a.settings().path("allowChange").asBoolean()) {
            throw new Refusal(EngageError.ALREADY_VOTED, "you already responded in round " + a.round());
        }
        Integer room = "rooms".equals(a.settings().path("scope").asText()) ? roomOf(a.event(), c.participant(), ctx)
                : null;
        if (old != null) {
            adjust(a, c.participant(), old, -1, ctx);
            withdraw(a, c.participant(), old, ctx);
        }
        PollResponse now = new PollResponse(value, room, c.timestamp(),
                moderated(a) ? PollResponse.PENDING : PollResponse.COUNTED);
        adjust(a, c.participant(), now, 1, ctx);
        if (!now.counted()) {
            submit(a, c.participant(), now, ctx);
        }
        ctx.kv().put(key, now);
        ctx.effects().audit(a.id(), a.round(), value.deepCopy());
    }

    /** Counts a respondent in (or out of) each part, and their contribution when it counts. */
    final void adjust(Activity a, String participant, PollResponse r, int sign, Engagement ctx) {
        for (String part : parts(r)) {
            String key = tallyKey(a, part);
            ObjectNode t = ctx.kv().get(key, ObjectNode.class);
            if (t == null) {
                t = ctx.json().createObjectNode();
            }
            t.put("responses", t.path("responses").asLong() + sign);
            if (r.counted()) {
                tally(a, t, r.value(), sign);
                extra(a, part, participant, r, sign, ctx);
            }
            ctx.kv().put(key, t);
        }
    }

    /** A response waiting for moderation: listed under {@code CODE|pending|ACT|ENTRY} (shared keys). */
    private void submit(Activity a, String participant, PollResponse r, Engagement ctx) {
        ObjectNode p = ctx.json().createObjectNode();
        p.put("activity", a.id());
        p.put("entry", entryId(a.round(), participant));
        p.put("text", entryText(r.value()));
        p.put("participant", participant);
        ObjectNode who = ctx.kv().get(Kv.key(a.event(), "participant", participant), ObjectNode.class);
        p.set("name", who == null ? ctx.json().nullNode() : who.get("name"));
        p.put("at", r.at());
        p.put("round", a.round());
        ctx.kv().put(pendingKey(a, entryId(a.round(), participant)), p);
        ctx.effects().changed(Channels.moderation(a.event()));
    }

    private void withdraw(Activity a, String participant, PollResponse old, Engagement ctx) {
        if (PollResponse.PENDING.equals(old.status())) {
            ctx.kv().delete(pendingKey(a, entryId(a.round(), participant)));
            ctx.effects().changed(Channels.moderation(a.event()));
        }
    }

    /** How a pending entry reads in the moderators' view. */
    String entryText(ObjectNode value) {
        return value.toString();
    }

    @Override
    public void render(Activity a, boolean resultsVisible, ObjectNode snapshot, Engagement ctx) {
        snapshot.setAll(a.definition().deepCopy());
        ObjectNode whole = tallyOf(a, EVENT, ctx);
        snapshot.put("responses", whole.path("responses").asLong());
        if (!resultsVisible) {
            return;
        }
        ObjectNode results = snapshot.putObject("results");
        results(a, EVENT, whole, results, ctx);
        if ("rooms".equals(a.settings().path("scope").asText())) {
            ObjectNode rooms = results.putObject("rooms");
            List<String> parts = new ArrayList<>();
            ctx.kv().scan(Kv.key(a.event(), "tally", a.id(), Integer.toString(a.round()), "r"), ObjectNode.class,
                    (k, v) -> parts.add(k.substring(k.lastIndexOf('|') + 1)));
            parts.sort((x, y) -> Integer.compare(Integer.parseInt(x.substring(1)), Integer.parseInt(y.substring(1))));
            for (String part : parts) {
                ObjectNode t = tallyOf(a, part, ctx);
                ObjectNode room = rooms.putObject(part.substring(1));
                room.put("responses", t.path("responses").asLong());
                results(a, part, t, room, ctx);
            }
        }
    }

    @Override
    public ObjectNode responseOf(Activity a, String participant, Engagement ctx) {
        PollResponse r = ctx.kv().get(responseKey(a, participant), PollResponse.class);
        if (r == null) {
            return null;
        }
        ObjectNode out = r.value().deepCopy();
        if (moderated(a)) {
            out.put("status", r.counted() ? "published" : r.status());
        }
        return out;
    }

    /** Responses, tallies, word counts and published texts of the round ({@code pending} is dropped at once). */
    @Override
    public List<String> roundPrefixes(Activity a) {
        String round = Integer.toString(a.round());
        return List.of(Kv.key(a.event(), "resp", a.id(), round, ""), Kv.key(a.event(), "tally", a.id(), round, ""),
                Kv.key(a.event(), "word", a.id(), round, ""), Kv.key(a.event(), "text", a.id(), round, ""));
    }

    static List<String> parts(PollResponse r) {
        return r.room() == null ? List.of(EVENT) : List.of(EVENT, "r" + r.room());
    }

    static Integer roomOf(String event, String participant, Engagement ctx) {
        ObjectNode r = ctx.kv().get(Kv.key(event, "room", participant), ObjectNode.class);
        return r == null || !r.path("room").canConvertToInt() || r.path("room").asInt() < 1 ? null
                : r.path("room").asInt();
    }

    static ObjectNode tallyOf(Activity a, String part, Engagement ctx) {
        ObjectNode t = ctx.kv().get(tallyKey(a, part), ObjectNode.class);
        return t == null ? ctx.json().createObjectNode() : t;
    }

    static String responseKey(Activity a, String participant) {
        return Kv.key(a.event(), "resp", a.id(), Integer.toString(a.round()), participant);
    }

    static String tallyKey(Activity a, String part) {
        return Kv.key(a.event(), "tally", a.id(), Integer.toString(a.round()), part);
    }

    static String pendingKey(Activity a, String entry) {
        return Kv.key(a.event(), "pending", a.id(), entry);
    }

    /** An entry id names the round and the participant: one response each per round. */
    static String entryId(int round, String participant) {
        return round + "." + participant;
    }

    /** Adds {@code delta} to {@code tally.map.key}, dropping zero counts so a map holds only what counts. */
    static void bump(ObjectNode tally, String map, String key, long delta) {
        ObjectNode m = tally.has(map) ? (ObjectNode) tally.get(map) : tally.putObject(map);
        long n = m.path(key).asLong() + delta;
        if (n == 0) {
            m.remove(key);
        } else {
            m.put(key, n);
        }
    }
}
