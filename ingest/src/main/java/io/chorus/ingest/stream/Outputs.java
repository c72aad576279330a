package io.chorus.ingest.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.config.TopicsConfig;
import io.chorus.ingest.engage.Kv;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to output channels. Each channel has a counter in the store ({@code CODE|seq|CHANNEL}), +1 per
 * record: it is a snapshot's {@code seq} and, with the channel, the record's {@code chorus-id}. It
 * commits with the state and the output in one transaction, so after a crash the retried work writes
 * the same ids and a number is never given to two different records that a reader could see.
 */
final class Outputs {

    private static final Logger LOG = LoggerFactory.getLogger(Outputs.class);

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
        long seq = nextSeq(code, channel);
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

    private long nextSeq(String code, String channel) {
        String key = Kv.key(code, "seq", channel);
        byte[] before = store.get(key);
        long next = (before == null ? 0 : Long.parseLong(new String(before, StandardCharsets.US_ASCII))) + 1;
        store.put(key, Long.toString(next).getBytes(StandardCharsets.US_ASCII));
        return next;
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
