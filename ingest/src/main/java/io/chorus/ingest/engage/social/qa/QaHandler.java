package io.chorus.ingest.engage.social.qa;

import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Handler;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Refusal;
import io.chorus.ingest.engage.Role;
import io.chorus.ingest.engage.social.EventSettings;
import io.chorus.ingest.engage.social.Fields;
import io.chorus.ingest.engage.social.MessageIds;
import io.chorus.ingest.engage.social.Participants;
import io.chorus.ingest.engage.social.SocialConfig;
import io.chorus.ingest.engage.social.SocialMetrics;
import java.util.Set;

/** {@code qa.ask}, {@code qa.upvote} (participants) and {@code qa.moderate} (moderators). */
public final class QaHandler implements Handler {

    /** A counter under one key: questions asked per event and per participant. */
    public record Count(int n) {
    }

    /** The presence of an upvote; the time is kept for audits. */
    public record Upvote(long at) {
    }

    private final SocialConfig config;
    private final SocialMetrics metrics;

    public QaHandler(SocialConfig config, SocialMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public Set<String> types() {
        return Set.of("qa.ask", "qa.upvote", "qa.moderate");
    }

    @Override
    public void apply(Command c, Engagement ctx) {
        switch (c.type()) {
            case "qa.ask" -> ask(c, ctx);
            case "qa.upvote" -> upvote(c, ctx);
            case "qa.moderate" -> moderate(c, ctx);
            default -> throw new Refusal(EngageError.INVALID_COMMAND, "unknown type '" + c.type() + "'");
        }
    }

    private void ask(Command c, Engagement ctx) {
        String code = c.event();
        Kv kv = ctx.kv();
        EventSettings ev = open(c, ctx);
        String text = Fields.text(c, "text", ctx.limits().questionChars());
        Boolean anonymous = Fields.optionalBool(c, "anonymous");
        String name = Participants.name(code, c.participant(), ctx);
        String id = MessageIds.of(c, other -> {
            Question q = kv.get(Question.key(code, other), Question.class);
            return q == null ? null : q.participant();
        });
        if (id == null) {
            return; // the same command again after the runtime's dedup window: already applied
        }
        String totalKey = Kv.key(code, "qa", "count");
        String mineKey = Kv.key(code, "qa", "by", c.participant());
        int total = count(kv, totalKey);
        int mine = count(kv, mineKey);
        if (total >= ctx.limits().qaQuestions()) {
            throw new Refusal(EngageError.LIMIT_REACHED,
                    "this event has reached its " + ctx.limits().qaQuestions() + " questions");
        }
        if (mine >= config.questionsPerParticipant()) {
            throw new Refusal(EngageError.LIMIT_REACHED,
                    "you have asked " + config.questionsPerParticipant() + " questions, the most one person may");
        }
        String status = ev.qaModerated() ? Question.PENDING : Question.PUBLISHED;
        kv.put(Question.key(code, id), new Question(id, text, c.participant(), name,
                anonymous == null || anonymous, status, false, false, 0, c.timestamp()));
        kv.put(totalKey, new Count(total + 1));
        kv.put(mineKey, new Count(mine + 1));
        ctx.effects().changed(ev.qaModerated() ? Channels.moderation(code) : Channels.qa(code));
        metrics.count(SocialMetrics.Event.QUESTION_ASKED);
    }

    private void upvote(Command c, Engagement ctx) {
        String code = c.event();
        Kv kv = ctx.kv();
        open(c, ctx);
        String id = c.text("question");
        boolean on = Fields.bool(c, "on");
        Question q = kv.get(Question.key(code, id), Question.class);
        if (q == null || !q.published()) {
            throw new Refusal(EngageError.UNKNOWN_QUESTION, "no published question '" + id + "'");
        }
        Participants.name(code, c.participant(), ctx);
        String key = Question.upvoteKey(code, id, c.participant());
        boolean up = kv.get(key, Upvote.class) != null;
        if (up == on) {
            return; // idempotent: the participant's upvote already is what they ask for
        }
        if (on) {
            kv.put(key, new Upvote(c.timestamp()));
        } else {
            kv.delete(key);
        }
        kv.put(Question.key(code, id), q.withUpvotes(Math.max(0, q.upvotes() + (on ? 1 : -1))));
        ctx.effects().changed(Channels.qa(code));
        metrics.count(SocialMetrics.Event.UPVOTE_CHANGED);
    }

    private void moderate(Command c, Engagement ctx) {
        c.require(Role.MODERATOR);
        String code = c.event();
        EventSettings.of(c, ctx);
        String id = c.text("question");
        String status = c.field("status") == null ? null : c.text("status");
        if (status != null && !Question.PUBLISHED.equals(status) && !Question.DISMISSED.equals(status)) {
            throw new Refusal(EngageError.INVALID_COMMAND, "'status' must be published or dismissed");
        }
        Boolean pinned = Fields.optionalBool(c, "pinned");
        Boolean answered = Fields.optionalBool(c, "answered");
        if (status == null && pinned == null && answered == null) {
            throw new Refusal(EngageError.INVALID_COMMAND, "give 'status', 'pinned' or 'answered'");
        }
        Question q = ctx.kv().get(Question.key(code, id), Question.class);
        if (q == null) {
            throw new Refusal(EngageError.UNKNOWN_QUESTION, "no question '" + id + "'");
        }
        Question next = q.moderated(status == null ? q.status() : status, pinned == null ? q.pinned() : pinned,
                answered == null ? q.answered() : answered);
        if (next.equals(q)) {
            return;
        }
        ctx.kv().put(Question.key(code, id), next);
        if (q.published() || next.published()) {
            ctx.effects().changed(Channels.qa(code));
        }
        ctx.effects().changed(Channels.moderation(code));
        metrics.count(SocialMetrics.Event.QUESTION_MODERATED);
    }

    /** The event's settings when its Q&A is on; a closed Q&A refuses like a closed activity. */
    private static EventSettings open(Command c, Engagement ctx) {
        EventSettings ev = EventSettings.of(c, ctx);
        if (!ev.qaEnabled()) {
            throw new Refusal(EngageError.ACTIVITY_NOT_OPEN, "Q&A is off for this event");
        }
        return ev;
    }

    private static int count(Kv kv, String key) {
        Count n = kv.get(key, Count.class);
        return n == null ? 0 : n.n();
    }
}
