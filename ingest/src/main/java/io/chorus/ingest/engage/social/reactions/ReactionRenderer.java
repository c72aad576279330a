package io.chorus.ingest.engage.social.reactions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Renderer;
import io.chorus.ingest.engage.social.ChannelCode;
import io.chorus.ingest.engage.social.EventSettings;
import io.chorus.ingest.engage.social.reactions.ReactionKeys.Tally;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code engage:CODE:reactions}: {@code counts} per emoji over the last window (ending at the latest
 * bucket, in record time, so a render does not depend on when it runs), {@code latest} (the latest
 * bucket alone: what a display animates), and {@code total}. Every offered emoji appears, with 0 when
 * nobody sent it.
 */
public final class ReactionRenderer implements Renderer {

    private final long bucketMs;

    public ReactionRenderer(long bucketMs) {
        this.bucketMs = bucketMs;
    }

    @Override
    public ObjectNode render(String channel, Engagement ctx) {
        String code = ChannelCode.of(channel, "engage:", ":reactions");
        if (code == null) {
            return null;
        }
        EventSettings ev = EventSettings.read(code, ctx.kv());
        List<String> offered = ev == null ? EventSettings.DEFAULT_REACTIONS : ev.reactions();
        String prefix = ReactionKeys.bucketPrefix(code);
        TreeMap<Long, Tally> buckets = new TreeMap<>();
        ctx.kv().scan(prefix, Tally.class, (k, t) -> buckets.put(ReactionKeys.bucketOf(k, prefix), t));
        long windowBuckets = ReactionKeys.bucketsPerWindow(ctx.limits().reactionWindowMs(), bucketMs);

        ObjectNode out = ctx.json().createObjectNode();
        out.put("type", "reactions");
        out.put("windowMs", windowBuckets * bucketMs);
        ObjectNode window = counts(out.putObject("counts"), offered);
        ObjectNode latest = counts(out.putObject("latest"), offered);
        if (!buckets.isEmpty()) {
            long last = buckets.lastKey();
            out.put("at", last * bucketMs);
            for (Map.Entry<Long, Tally> b : buckets.tailMap(last - windowBuckets, false).entrySet()) {
                add(window, b.getValue());
                if (b.getKey() == last) {
                    add(latest, b.getValue());
                }
            }
        }
        ObjectNode total = counts(out.putObject("total"), offered);
        Tally t = ctx.kv().get(ReactionKeys.total(code), Tally.class);
        if (t != null) {
            add(total, t);
        }
        return out;
    }

    private static ObjectNode counts(ObjectNode node, List<String> offered) {
        offered.forEach(e -> node.put(e, 0L));
        return node;
    }

    /** Adds the tally's counts of the emoji the node lists (emoji no longer offered are left out). */
    private static void add(ObjectNode node, Tally t) {
        t.counts().forEach((emoji, n) -> {
            if (node.has(emoji)) {
                node.put(emoji, node.get(emoji).asLong() + n);
            }
        });
    }
}
