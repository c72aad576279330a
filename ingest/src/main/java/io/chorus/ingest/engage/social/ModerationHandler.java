package io.chorus.ingest.engage.social;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Handler;
import io.chorus.ingest.engage.Refusal;
import io.chorus.ingest.engage.Role;
import java.util.Set;

/**
 * {@code participant.ban}, {@code participant.unban} and {@code chat.slowmode} (moderators). A ban is
 * the existence of {@code CODE|ban|PID}: the runtime then refuses that participant's commands.
 */
public final class ModerationHandler implements Handler {

    /** What is stored under {@code CODE|ban|PID}. */
    public record Ban(long at, String by) {
    }

    private final SocialConfig config;
    private final SocialMetrics metrics;

    public ModerationHandler(SocialConfig config, SocialMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public Set<String> types() {
        return Set.of("participant.ban", "participant.unban", "chat.slowmode");
    }

    @Override
    public void apply(Command c, Engagement ctx) {
        c.require(Role.MODERATOR);
        EventSettings ev = EventSettings.of(c, ctx);
        switch (c.type()) {
            case "participant.ban" -> ban(c, ctx);
            case "participant.unban" -> unban(c, ctx);
            case "chat.slowmode" -> slowMode(c, ev, ctx);
            default -> throw new Refusal(EngageError.INVALID_COMMAND, "unknown type '" + c.type() + "'");
        }
    }

    private void ban(Command c, Engagement ctx) {
        String code = c.event();
        String pid = c.text("participant");
        // Only joined participants: the bans are then bounded by limits.participants.
        if (Participants.nameOrNull(code, pid, ctx.kv()) == null) {
            throw new Refusal(EngageError.INVALID_COMMAND, "no participant '" + pid + "' in this event");
        }
        if (Participants.banned(code, pid, ctx.kv())) {
            return; // the first ban's time and author stay
        }
        ctx.kv().put(Participants.banKey(code, pid), new Ban(c.timestamp(), c.participant()));
        ctx.effects().changed(Channels.moderation(code));
        metrics.count(SocialMetrics.Event.PARTICIPANT_BANNED);
    }

    private void unban(Command c, Engagement ctx) {
        String code = c.event();
        String pid = c.text("participant");
        if (!Participants.banned(code, pid, ctx.kv())) {
            return;
        }
        ctx.kv().delete(Participants.banKey(code, pid));
        ctx.effects().changed(Channels.moderation(code));
        metrics.count(SocialMetrics.Event.PARTICIPANT_UNBANNED);
    }

    private void slowMode(Command c, EventSettings ev, Engagement ctx) {
        long ms = Fields.integer(c, "slowModeMs", 0, config.maxSlowModeMs());
        ObjectNode event = ev.raw();
        ObjectNode chat = event.get("chat") instanceof ObjectNode o ? o : event.putObject("chat");
        if (!chat.has("enabled")) {
            chat.put("enabled", ev.chatEnabled());
        }
        chat.put("slowModeMs", ms);
        ctx.kv().put(EventSettings.key(c.event()), event);
        ctx.effects().changed(Channels.event(c.event()));
        ctx.effects().changed(Channels.moderation(c.event()));
        metrics.count(SocialMetrics.Event.SLOW_MODE_SET);
    }
}
