package io.chorus.ingest.engage.poll;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.Check;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Role;
import java.util.Set;

/**
 * Free-text polls (word cloud, open text): with {@code moderated: true} a response waits under
 * {@code CODE|pending|ACT|ENTRY} until a moderator's {@code poll.moderate} publishes it (then it counts)
 * or dismisses it. The blocked-word filter refuses an answer before it is stored.
 */
abstract class ModeratedPoll extends PollKind {

    static final String MODERATE = "poll.moderate";

    final BlockedWords blocked;

    ModeratedPoll(BlockedWords blocked) {
        this.blocked = blocked;
    }

    @Override
    boolean moderated(Activity a) {
        return a.definition().path("moderated").asBoolean();
    }

    @Override
    public Set<String> controlTypes() {
        return Set.of(MODERATE);
    }

    @Override
    public void control(Command c, Activity a, Engagement ctx) {
        c.require(Role.MODERATOR);
        String entry = Check.text(c.field("entry"), "entry", 1, 200);
        String status = Check.oneOf(c.field("status"), "status", null, "published", "dismissed");
        if (status == null) {
            throw Check.invalid("'status' must be published or dismissed");
        }
        ObjectNode pending = ctx.kv().get(pendingKey(a, entry), ObjectNode.class);
        if (pending == null) {
            throw Check.invalid("no entry " + entry + " is waiting for moderation");
        }
        if (pending.path("round").asInt() != a.round()) {
            throw Check.invalid("entry " + entry + " is from an earlier round");
        }
        String participant = pending.path("participant").asText();
        PollResponse r = ctx.kv().get(responseKey(a, participant), PollResponse.class);
        if (r == null || !PollResponse.PENDING.equals(r.status())) {
            throw Check.invalid("entry " + entry + " is not waiting for moderation");
        }
        ctx.kv().delete(pendingKey(a, entry));
        PollResponse now;
        if (status.equals("published")) {
            now = r.withStatus(PollResponse.COUNTED);
            for (String part : parts(now)) {
                extra(a, part, participant, now, 1, ctx);
                ObjectNode t = tallyOf(a, part, ctx);
                tally(a, t, now.value(), 1);
                ctx.kv().put(tallyKey(a, part), t);
            }
        } else {
            now = r.withStatus(PollResponse.DISMISSED);
        }
        ctx.kv().put(responseKey(a, participant), now);
        ctx.effects().changed(Channels.moderation(a.event()));
        ctx.effects().changed(Channels.me(a.event(), participant));
    }

    /** Refuses an answer with a blocked word. */
    void screen(String text) {
        if (blocked.blocks(text)) {
            throw new io.chorus.ingest.engage.Refusal(io.chorus.ingest.engage.EngageError.MODERATED,
                    "the answer contains a word that is not allowed");
        }
    }
}
