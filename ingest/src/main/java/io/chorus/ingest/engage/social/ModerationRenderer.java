package io.chorus.ingest.engage.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Renderer;
import io.chorus.ingest.engage.social.qa.Question;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code engage-mod:CODE}: what moderators act on. Pending questions with their authors (oldest first),
 * the poll entries waiting for {@code poll.moderate} ({@code CODE|pending|}, written by the poll rules),
 * bans, and the chat and Q&A settings. Each list holds at most {@code moderationListMax} items, and
 * {@code counts} gives the full sizes, so a moderator knows when there is more than the view shows.
 */
public final class ModerationRenderer implements Renderer {

    private final SocialConfig config;

    public ModerationRenderer(SocialConfig config) {
        this.config = config;
    }

    @Override
    public ObjectNode render(String channel, Engagement ctx) {
        String code = ChannelCode.of(channel, "engage-mod:", "");
        if (code == null) {
            return null;
        }
        Kv kv = ctx.kv();
        int max = config.moderationListMax();
        ObjectNode out = ctx.json().createObjectNode();
        out.put("type", "moderation");
        ObjectNode counts = ctx.json().createObjectNode();

        // Questions sort by key (their ids), not time: collect the pending ones, bounded by qaQuestions.
        List<Question> pending = new ArrayList<>();
        kv.scan(Question.prefix(code), Question.class, (k, q) -> {
            if (Question.PENDING.equals(q.status())) {
                pending.add(q);
            }
        });
        pending.sort(Comparator.comparingLong(Question::at).thenComparing(Question::id));
        ArrayNode questions = out.putArray("questions");
        for (Question q : pending.subList(0, Math.min(max, pending.size()))) {
            ObjectNode o = questions.addObject();
            o.put("id", q.id());
            o.put("text", q.text());
            o.put("participant", q.participant());
            o.put("name", q.name());
            o.put("anonymous", q.anonymous());
            o.put("pinned", q.pinned());
            o.put("answered", q.answered());
            o.put("at", q.at());
        }
        counts.put("questions", pending.size());

        ArrayNode entries = out.putArray("entries");
        int[] n = {0};
        kv.scan(Kv.key(code, "pending", ""), JsonNode.class, (k, e) -> {
            if (n[0]++ < max) {
                entries.add(e);
            }
        });
        counts.put("entries", n[0]);

        ArrayNode bans = out.putArray("bans");
        n[0] = 0;
        String banPrefix = Participants.banKey(code, "");
        // Read as plain JSON: a ban is any object (the shared keys' contract), whoever wrote it.
        kv.scan(banPrefix, ObjectNode.class, (k, b) -> {
            if (n[0]++ < max) {
                String pid = k.substring(banPrefix.length());
                ObjectNode o = bans.addObject();
                o.put("participant", pid);
                o.put("name", Participants.nameOrNull(code, pid, kv));
                o.set("at", b.get("at"));
                o.set("by", b.get("by"));
            }
        });
        counts.put("bans", n[0]);
        out.set("counts", counts);

        EventSettings ev = EventSettings.read(code, kv);
        if (ev != null) {
            out.putObject("chat").put("enabled", ev.chatEnabled()).put("slowModeMs", ev.slowModeMs());
            out.putObject("qa").put("enabled", ev.qaEnabled()).put("moderated", ev.qaModerated());
        }
        return out;
    }
}
