package io.chorus.ingest.engage.social.reactions;

import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Handler;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Refusal;
import io.chorus.ingest.engage.social.EventSettings;
import io.chorus.ingest.engage.social.Participants;
import io.chorus.ingest.engage.social.SocialMetrics;
import io.chorus.ingest.engage.social.reactions.ReactionKeys.Recent;
import io.chorus.ingest.engage.social.reactions.ReactionKeys.Tally;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code react}: at most {@code limits.reactionsPerWindow} per participant in any
 * {@code limits.reactionWindowMs} of record time (a sliding window: the timestamps of the last accepted
 * ones are kept), then counted into the bucket of its timestamp and the running total.
 */
public final class ReactionHandler implements Handler {

    private final long bucketMs;
    private final SocialMetrics metrics;

    public ReactionHandler(long bucketMs, SocialMetrics metrics) {
        this.bucketMs = bucketMs;
        this.metrics = metrics;
    }

    @Override
    public Set<String> types() {
        return Set.of("react");
    }

    @Override
    public void apply(Command c, Engagement ctx) {
        String code = c.event();
        Kv kv = ctx.kv();
        EventSettings ev = EventSettings.of(c, ctx);
        String emoji = c.text("emoji");
        if (!ev.reactions().contains(emoji)) {
            throw new Refusal(EngageError.INVALID_COMMAND, "'emoji' must be one of " + ev.reactions());
        }
        Participants.name(code, c.participant(), ctx);
        admit(c, ctx);

        long ts = c.timestamp();
        long windowBuckets = ReactionKeys.bucketsPerWindow(ctx.limits().reactionWindowMs(), bucketMs);
        long bucket = Math.floorDiv(Math.max(0, ts), bucketMs);
        long latest = advance(code, bucket, windowBuckets, kv);
        // A reaction whose timestamp is older than the window shown counts only in the total.
        if (bucket > latest - windowBuckets) {
            String key = ReactionKeys.bucket(code, bucket);
            kv.put(key, add(kv.get(key, Tally.class), emoji, null));
        }
        kv.put(ReactionKeys.total(code), add(kv.get(ReactionKeys.total(code), Tally.class), emoji, ev.reactions()));
        ctx.effects().changed(Channels.reactions(code));
        metrics.count(SocialMetrics.Event.REACTION);
    }

    /**
     * The newest bucket once {@code bucket} is counted; buckets that fall out of the window ending with
     * it are deleted. The kept buckets always lie in the window ending with the stored newest one, so
     * they are deleted by number, without a scan. State written before the newest bucket was stored
     * (or an event's first reaction) is scanned once.
     */
    private static long advance(String code, long bucket, long windowBuckets, Kv kv) {
        Long stored = kv.get(ReactionKeys.newest(code), Long.class);
        long newest;
        if (stored == null) {
            String prefix = ReactionKeys.bucketPrefix(code);
            List<Long> kept = new ArrayList<>();
            kv.scan(prefix, Tally.class, (k, t) -> kept.add(ReactionKeys.bucketOf(k, prefix)));
            newest = Math.max(bucket, kept.isEmpty() ? bucket : kept.get(kept.size() - 1));
            for (long b : kept) {
                if (b <= newest - windowBuckets) {
                    kv.delete(ReactionKeys.bucket(code, b));
                }
            }
        } else if (bucket > stored) {
            newest = bucket;
            for (long b = Math.max(0, stored - windowBuckets + 1); b <= Math.min(stored, newest - windowBuckets); b++) {
                kv.delete(ReactionKeys.bucket(code, b));
            }
        } else {
            return stored;
        }
        kv.put(ReactionKeys.newest(code), newest);
        return newest;
    }

    /** Refuses {@code rate_limited} when the participant's window is full; else records this one. */
    private static void admit(Command c, Engagement ctx) {
        int max = ctx.limits().reactionsPerWindow();
        long window = ctx.limits().reactionWindowMs();
        String key = ReactionKeys.rate(c.event(), c.participant());
        Recent recent = ctx.kv().get(key, Recent.class);
        List<Long> times = new ArrayList<>(recent == null ? List.of() : recent.times());
        if (times.size() >= max) {
            long oldest = times.get(times.size() - max);
            long elapsed = c.timestamp() - oldest;
            if (elapsed < window) {
                // Timestamps of different gateway pods may go backwards: never more than one window.
                long wait = Math.min(window, window - elapsed);
                throw new Refusal(EngageError.RATE_LIMITED,
                        "at most " + max + " reactions per " + window + " ms", wait);
            }
        }
        times.add(c.timestamp());
        ctx.kv().put(key, new Recent(times.subList(Math.max(0, times.size() - max), times.size())));
    }

    /** {@code tally} plus one {@code emoji}; with {@code keep}, emoji no longer offered are dropped. */
    private static Tally add(Tally tally, String emoji, List<String> keep) {
        Map<String, Long> counts = new HashMap<>(tally == null ? Map.of() : tally.counts());
        counts.merge(emoji, 1L, Long::sum);
        if (keep != null) {
            counts.keySet().retainAll(keep);
        }
        return new Tally(counts);
    }
}
