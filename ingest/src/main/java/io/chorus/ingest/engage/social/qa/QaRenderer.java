package io.chorus.ingest.engage.social.qa;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Renderer;
import io.chorus.ingest.engage.social.ChannelCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code engage:CODE:qa}: the published questions, pinned first, then by upvotes, then oldest first (the
 * id breaks the last ties, so two renders of the same state are identical).
 */
public final class QaRenderer implements Renderer {

    static final Comparator<Question> ORDER = Comparator.comparing(Question::pinned).reversed()
            .thenComparing(Comparator.comparingInt(Question::upvotes).reversed())
            .thenComparingLong(Question::at)
            .thenComparing(Question::id);

    @Override
    public ObjectNode render(String channel, Engagement ctx) {
        String code = ChannelCode.of(channel, "engage:", ":qa");
        if (code == null) {
            return null;
        }
        List<Question> published = new ArrayList<>();
        ctx.kv().scan(Question.prefix(code), Question.class, (k, q) -> {
            if (q.published()) {
                published.add(q);
            }
        });
        published.sort(ORDER);
        ObjectNode out = ctx.json().createObjectNode();
        out.put("type", "qa");
        ArrayNode list = out.putArray("questions");
        // Already bounded by limits.qaQuestions when asked; the cap keeps the snapshot bounded even if the
        // limit was lowered after questions were asked.
        for (Question q : published.subList(0, Math.min(published.size(), ctx.limits().qaQuestions()))) {
            ObjectNode o = list.addObject();
            o.put("id", q.id());
            o.put("text", q.text());
            if (!q.anonymous()) {
                o.put("author", q.name());
            }
            o.put("upvotes", q.upvotes());
            o.put("pinned", q.pinned());
            o.put("answered", q.answered());
            o.put("at", q.at());
        }
        return out;
    }
}
