package io.chorus.client.internal;

import io.chorus.schema.ChorusException;
import io.chorus.schema.Position;
import java.util.HashMap;
import java.util.Map;

/**
 * The resume bookkeeping, per channel: the position of the last message handed to the application,
 * or, before the first, the position delivery starts at. It is the {@code since} of the re-subscribe
 * after a reconnect, and the bar every message must clear: one at or below it on the same partition of
 * the same topic (same topic id, partition and partition count, PROTOCOL.md "Position") was delivered
 * already and is dropped, so a resume never shows the application a duplicate. A message on another
 * topic or partition layout is after a continuity break and always passes. Core thread only.
 */
public final class ResumeTracker {

    /** {@code parsed} is null for a position this SDK cannot read; such marks compare by text only. */
    private record Mark(String text, Position parsed) {
    }

    private final Map<String, Mark> marks = new HashMap<>();

    /** The last position of the channel, or null. */
    public String last(String channel) {
        Mark m = marks.get(channel);
        return m == null ? null : m.text();
    }

    /** Sets the mark (a {@code subscribed} position, or the {@code since} asked for); null forgets it. */
    public void reset(String channel, String position) {
        if (position == null) {
            marks.remove(channel);
        } else {
            marks.put(channel, mark(position));
        }
    }

    /** True, and the mark advances, when the message is new; false when it must be dropped. */
    public boolean accept(String channel, String position) {
        Mark prev = marks.get(channel);
        Mark next = mark(position);
        if (prev != null && !isAfter(next, prev)) {
            return false;
        }
        marks.put(channel, next);
        return true;
    }

    public void forget(String channel) {
        marks.remove(channel);
    }

    private static boolean isAfter(Mark next, Mark prev) {
        if (next.parsed() == null || prev.parsed() == null) {
            return !next.text().equals(prev.text());
        }
        Position n = next.parsed();
        Position p = prev.parsed();
        boolean sameLog = n.topicId().equals(p.topicId()) && n.partition() == p.partition()
                && n.partitionCount() == p.partitionCount();
        return !sameLog || n.offset() > p.offset();
    }

    private static Mark mark(String text) {
        try {
            return new Mark(text, Position.decode(text));
        } catch (ChorusException e) {
            return new Mark(text, null);
        }
    }
}
