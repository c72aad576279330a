package io.chorus.ingest.stream;

import io.chorus.ingest.engage.Activity;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A task's decoded activities, handed out again while the bytes stored under their key are unchanged.
 * A participant's {@code you} snapshot, rendered after each of their commands, reads every activity of
 * the event; an activity changes rarely (a host's command) and its bytes are compared before its decoded
 * copy is reused, so a write is seen at once whoever made it. Only renderers get these objects, and no
 * renderer writes into one. At most {@link #ENTRIES}; past that the memo starts again.
 */
final class ActivityMemo {

    static final int ENTRIES = 1_024;

    private record Entry(byte[] raw, Activity decoded) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    Activity get(String key, byte[] raw, Function<byte[], Activity> decode) {
        Entry known = entries.get(key);
        if (known != null && (known.raw == raw || Arrays.equals(known.raw, raw))) {
            return known.decoded;
        }
        Activity fresh = decode.apply(raw);
        if (known == null && entries.size() >= ENTRIES) {
            entries.clear();
        }
        entries.put(key, new Entry(raw, fresh));
        return fresh;
    }

    int size() {
        return entries.size();
    }
}
