package io.chorus.ingest.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.config.TopicsConfig;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to output channels. The task numbers its output records with one counter in the store
 * ({@code #seq}), +1 per record: it is a snapshot's {@code seq} and, with the channel, the record's
 * {@code chorus-id}, so it increases on every channel (with gaps, which readers allow: ENGAGE.md). It
 * commits with the state and the output in one transaction, so after a crash the retried work writes
 * the same ids and a number is never given to two different records that a reader could see. One
 * counter for the task, not one per channel: the record cache keeps one value of it per commit, where
 * per-channel counters put a changelog record (and a store lookup that misses) for every participant's
 * channel written, two per vote.
 */
final class Outputs {

    private static final Logger LOG = LoggerFactory.getLogger(Outputs.class);
    /** The task's output counter's key. */
    static final String SEQ = "#seq";

    /**
     * Below Kafka's default 1 MiB request size: a bigger record would fail the transaction, and the retry
     * would fail the same way. It is dropped and counted instead.
     */
    static final int MAX_VALUE_BYTES = 900_000;

    private final KeyValueStore<String, byte[]> store;
    private final ObjectMapper json;
    private final TopicsConfig topics;
    private final IngestMetrics metrics;
    private ProcessorContext<byte[], Routed> context;
    /** The task's output counter; -1 until first used (by then the store is restored). */
    private long seq = -1;

    Outputs(KeyValueStore<String, byte[]> store, ObjectMapper json, TopicsConfig topics, IngestMetrics metrics) {
        this.store = store;
        this.json = json;
        this.topics = topics;
        this.metrics = metrics;
    }

    void init(ProcessorContext<byte[], Routed> context) {
        this.context = context;
    }

    /** A message written now (reply, chat message, room): not conflated. */
    void message(String channel, ObjectNode body, long timestamp) {
        if (write(channel, body, timestamp, false)) {
            metrics.message();
        }
    }

    /** A snapshot: gets the channel's next {@code seq}. */
    void snapshot(String channel, ObjectNode body, long timestamp) {
        if (write(channel, body, timestamp, true)) {
            metrics.snapshot();
        }
    }

    /** An accepted response for export: key = the event code. */
    void audit(String event, ObjectNode entry, long timestamp) {
        context.forward(new Record<>(event.getBytes(StandardCharsets.UTF_8), new Routed(topics.audit(), bytes(entry)),
                timestamp, new RecordHeaders()));
    }

    private boolean write(String channel, ObjectNode body, long timestamp, boolean withSeq) {
        String topic = topics.forChannel(channel);
        String code = eventOf(channel);
        if (topic == null || code == null) {
            LOG.warn("not written: {} is not an output channel of ingest", channel);
            metrics.renderError();
            return false;
        }
        long seq = nextSeq();
        if (withSeq) {
            body.put("seq", seq);
        }
        byte[] value = bytes(body);
        if (value.length > MAX_VALUE_BYTES) {
            LOG.warn("not written: {} would be {} bytes (at most {})", channel, value.length, MAX_VALUE_BYTES);
            metrics.renderError();
            return false;
        }
        Headers headers = new RecordHeaders();
        Envelope.set(headers, Envelope.ID, channel + "#" + seq);
        context.forward(new Record<>(channel.getBytes(StandardCharsets.UTF_8), new Routed(topic, value),
                timestamp, headers));
        return true;
    }

    private long nextSeq() {
        if (seq < 0) {
            byte[] stored = store.get(SEQ);
            seq = stored != null ? Long.parseLong(new String(stored, StandardCharsets.US_ASCII)) : highestChannelSeq();
        }
        seq++;
        store.put(SEQ, Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
        return seq;
    }

    /**
     * A store from before the task counter numbered each channel on its own ({@code CODE|seq|CHANNEL}):
     * the counter starts above all of them, so no screen sees a channel's {@code seq} go back. One scan of
     * the store, on the task's first write after the upgrade; an empty store costs nothing. The old keys
     * stay until their event is forgotten.
     */
    private long highestChannelSeq() {
        long highest = 0;
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> e = it.next();
                int bar = e.key.indexOf('|');
                if (bar > 0 && e.key.startsWith("|seq|", bar) && e.value != null) {
                    try {
                        highest = Math.max(highest, Long.parseLong(new String(e.value, StandardCharsets.US_ASCII)));
                    } catch (NumberFormatException ignored) {
                        // not a counter: a key of a feature that happens to contain "|seq|"
                    }
                }
            }
        }
        return highest;
    }

    /** The event code of an output channel: its second part ({@code engage-me:CODE:PID}). */
    static String eventOf(String channel) {
        String[] parts = channel.split(":", 3);
        return parts.length >= 2 && Envelope.CODE.matcher(parts[1]).matches() ? parts[1] : null;
    }

    private byte[] bytes(ObjectNode body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
