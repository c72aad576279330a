package io.chorus.ingest.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.ingest.engage.Kv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Command ids already applied, per (event, participant), with their outcome, so a duplicate gets the
 * first reply again and changes nothing. An id is remembered under {@code CODE|dedup|PID|ID} and indexed
 * by its record time under {@code #dedup|TIME|CODE|PID|ID}, so {@link #purge} forgets the oldest first:
 * those older than the window (by stream time, so a replay forgets the same ones), and beyond
 * {@code maxEntries} even younger ones (the window then shrinks; the store stays bounded).
 */
final class Dedup {

    /** What the first application answered. */
    record Outcome(long at, boolean ok, String code, String message, long retryAfterMs) {
    }

    private static final String INDEX = "#dedup|";
    private static final String COUNT = "#dedup-count";
    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, byte[]> store;
    private final ObjectMapper json;
    private final long windowMs;
    private final long maxEntries;

    Dedup(KeyValueStore<String, byte[]> store, ObjectMapper json, long windowMs, long maxEntries) {
        this.store = store;
        this.json = json;
        this.windowMs = windowMs;
        this.maxEntries = maxEntries;
    }

    Outcome seen(String event, String participant, String id) {
        byte[] v = store.get(Kv.key(event, "dedup", participant, id));
        try {
            return v == null ? null : json.readValue(v, Outcome.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void remember(String event, String participant, String id, Outcome outcome) {
        String key = Kv.key(event, "dedup", participant, id);
        try {
            store.put(key, json.writeValueAsBytes(outcome));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.put(INDEX + String.format("%016d", Math.max(0, outcome.at())) + "|" + key,
                key.getBytes(StandardCharsets.UTF_8));
        setCount(count() + 1);
    }

    /** Forgets ids older than {@code streamTime - window}, and the oldest beyond the bound; returns how many. */
    long purge(long streamTime, int maxPerRun) {
        long cutoff = streamTime - windowMs;
        long count = count();
        java.util.List<KeyValue<String, byte[]>> doomed = new java.util.ArrayList<>();
        // Collected first, deleted after the iterator is closed: no store writes under an open iterator.
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(INDEX, KEYS)) {
            while (it.hasNext() && doomed.size() < maxPerRun) {
                KeyValue<String, byte[]> e = it.next();
                long at = Long.parseLong(e.key.substring(INDEX.length(), INDEX.length() + 16));
                if (at >= cutoff && count - doomed.size() <= maxEntries) {
                    break;
                }
                doomed.add(e);
            }
        }
        for (KeyValue<String, byte[]> e : doomed) {
            store.delete(new String(e.value, StandardCharsets.UTF_8));
            store.delete(e.key);
        }
        long purged = doomed.size();
        if (purged > 0) {
            setCount(count - purged);
        }
        return purged;
    }

    long count() {
        byte[] v = store.get(COUNT);
        return v == null ? 0 : Long.parseLong(new String(v, StandardCharsets.US_ASCII));
    }

    private void setCount(long n) {
        store.put(COUNT, Long.toString(n).getBytes(StandardCharsets.US_ASCII));
    }
}
