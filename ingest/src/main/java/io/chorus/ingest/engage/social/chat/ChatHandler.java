package io.chorus.ingest.engage.social.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.chorus.ingest.engage.social.SocialMetrics;
import io.chorus.ingest.engage.social.breakout.Room;
import java.util.Objects;
import java.util.Set;

/** {@code chat.send} (participants) and {@code chat.delete} (moderators). */
public final class ChatHandler implements Handler {

    /** The timestamp of a participant's last accepted message, for slow mode. */
    public record LastSent(long at) {
    }

    private final ChatFilter filter;
    private final RecentMessages recent;
    private final SocialMetrics metrics;

    public ChatHandler(ChatFilter filter, RecentMessages recent, SocialMetrics metrics) {
        this.filter = filter;
        this.recent = recent;
        this.metrics = metrics;
    }

    @Override
    public Set<String> types() {
        return Set.of("chat.send", "chat.delete");
    }

    @Override
    public void apply(Command c, Engagement ctx) {
        switch (c.type()) {
            case "chat.send" -> send(c, ctx);
            case "chat.delete" -> delete(c, ctx);
            default -> throw new Refusal(EngageError.INVALID_COMMAND, "unknown type '" + c.type() + "'");
        }
    }

    private void send(Command c, Engagement ctx) {
        String code = c.event();
        Kv kv = ctx.kv();
        EventSettings ev = EventSettings.of(c, ctx);
        if (!ev.chatEnabled()) {
            throw new Refusal(EngageError.ACTIVITY_NOT_OPEN, "chat is off for this event");
        }
        // The runtime refuses a banned participant's commands before dispatch; checked again here so the
        // rule holds whoever calls this handler.
        if (Participants.banned(code, c.participant(), kv)) {
            throw new Refusal(EngageError.BANNED, "you are banned from this event");
        }
        String name = Participants.name(code, c.participant(), ctx);
        String text = Fields.text(c, "text", ctx.limits().chatChars());
        Long asked = Fields.optionalInteger(c, "room", 1, ctx.limits().rooms());
        Integer room = asked == null ? null : asked.intValue();
        if (room != null && !Objects.equals(room, Room.of(code, c.participant(), kv))) {
            throw new Refusal(EngageError.NOT_IN_ROOM, "you are not in room " + room);
        }
        String id = MessageIds.of(c, other -> {
            RecentMessages.Where w = recent.find(code, other, kv);
            return w == null ? null : w.participant();
        });
        if (id == null) {
            return; // the same command again after the runtime's dedup window: already sent
        }
        String lastKey = Kv.key(code, "chat", "last", c.participant());
        LastSent last = kv.get(lastKey, LastSent.class);
        long slow = ev.slowModeMs();
        if (slow > 0 && last != null && c.timestamp() - last.at() < slow) {
            // Record timestamps from different gateway pods may go backwards: never ask to wait longer than
            // the slow mode itself.
            long wait = Math.min(slow, last.at() + slow - c.timestamp());
            throw new Refusal(EngageError.SLOW_MODE, "slow mode: one message every " + slow + " ms", wait);
        }
        String reason = filter.check(text);
        if (reason != null) {
            metrics.count(SocialMetrics.Event.CHAT_FILTERED);
            throw new Refusal(EngageError.MODERATED, reason);
        }
        kv.put(lastKey, new LastSent(c.timestamp()));
        ObjectNode msg = ctx.json().createObjectNode();
        msg.put("type", "chat");
        msg.put("id", id);
        msg.put("participant", c.participant());
        msg.put("name", name);
        msg.put("text", text);
        msg.put("at", c.timestamp());
        ctx.effects().send(Channels.chat(code, room), msg);
        if (recent.remember(code, id, room, c.participant(), kv)) {
            metrics.count(SocialMetrics.Event.CHAT_RECORD_EVICTED);
        }
        metrics.count(SocialMetrics.Event.CHAT_SENT);
    }

    private void delete(Command c, Engagement ctx) {
        c.require(Role.MODERATOR);
        String code = c.event();
        EventSettings.of(c, ctx);
        String id = c.text("message");
        RecentMessages.Where where = recent.find(code, id, ctx.kv());
        if (where == null) {
            throw new Refusal(EngageError.INVALID_COMMAND, "no chat message '" + id
                    + "' to delete: unknown, already deleted, or older than the messages ingest remembers");
        }
        ObjectNode msg = ctx.json().createObjectNode();
        msg.put("type", "chat.deleted");
        msg.put("id", id);
        ctx.effects().send(Channels.chat(code, where.room()), msg);
        recent.forget(code, id, ctx.kv());
        metrics.count(SocialMetrics.Event.CHAT_DELETED);
    }
}
