package io.chorus.ingest.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.ingest.config.CommitConfig;
import io.chorus.ingest.config.TopicsConfig;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Role;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The first step: checks a raw command record and re-keys it by event code. Anything it cannot turn into
 * a command is copied to the dead-letter topic with the reason and its source position; when the sender
 * is known, a refusal marker goes on too, so they get a reply instead of waiting for one. Never throws:
 * one bad record must not stop the application.
 */
final class CommandReader implements Processor<byte[], byte[], byte[], Routed> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TopicsConfig topics;
    private final int maxBytes;
    private final IngestMetrics metrics;
    /** The partitions of the event topic when participant commands can skip it, else 0 (EngageTopology). */
    private final int localPartitions;
    /** A command it sends through "by-event" is read by the event's task once this task commits. */
    private final CommitPacer pacer;
    private ProcessorContext<byte[], Routed> context;

    CommandReader(TopicsConfig topics, int maxBytes, IngestMetrics metrics, int localPartitions) {
        this(topics, maxBytes, metrics, localPartitions, null, null);
    }

    /** {@code commit} and {@code backlogs} as {@link CommitPacer} takes them (null, null: unpaced). */
    CommandReader(TopicsConfig topics, int maxBytes, IngestMetrics metrics, int localPartitions,
                  CommitConfig commit, Backlogs backlogs) {
        this.pacer = commit == null ? null : new CommitPacer(commit, backlogs, metrics);
        this.topics = topics;
        this.maxBytes = maxBytes;
        this.metrics = metrics;
        this.localPartitions = localPartitions;
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> context) {
        this.context = context;
        if (pacer != null) {
            pacer.init(context);
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (pacer != null) {
            pacer.touched();
        }
        RecordMetadata source = context.recordMetadata().orElse(null);
        String topic = source == null ? "" : source.topic();
        String[] channel = parseKey(record.key(), topic);
        if (channel == null) {
            dead(record, DeadReason.BAD_KEY, source);
            return;
        }
        String client = Envelope.text(record.headers(), Envelope.CLIENT);
        if (client == null || !Envelope.PARTICIPANT.matcher(client).matches()) {
            dead(record, DeadReason.NO_CLIENT, source);
            return;
        }
        String id = Envelope.text(record.headers(), Envelope.ID);
        if (id == null) {
            id = source == null ? "unknown" : source.topic() + "-" + source.partition() + "-" + source.offset();
        } else if (!Envelope.validId(id)) {
            dead(record, DeadReason.BAD_ID, source);
            return;
        }
        Headers headers = new RecordHeaders();
        Envelope.set(headers, Envelope.CLIENT, client);
        Envelope.set(headers, Envelope.ID, id);
        Envelope.set(headers, Envelope.ROLE, channel[1]);
        if (source != null) {
            Envelope.set(headers, Envelope.SOURCE, source.topic() + "/" + source.partition() + "/" + source.offset());
        }
        byte[] value = record.value();
        DeadReason poison = value != null && value.length > maxBytes ? DeadReason.TOO_LARGE : checkJson(value);
        if (poison != null) {
            dead(record, poison, source);
            Envelope.set(headers, Envelope.REFUSE, poison == DeadReason.TOO_LARGE
                    ? EngageError.TOO_LARGE.code() : EngageError.INVALID_COMMAND.code());
            value = new byte[0];
        }
        byte[] code = channel[0].getBytes(StandardCharsets.UTF_8);
        boolean local = localPartitions > 0 && source != null && topic.equals(topics.in())
                && source.partition() == EngageTopology.eventPartition(code, localPartitions);
        metrics.commandPath(local);
        context.forward(new Record<>(code, new Routed(null, value, local), record.timestamp(), headers));
    }

    /** {@code [code, role]} of {@code engage-in:CODE} (from the participant topic) or {@code engage-ctl:CODE:ROLE}. */
    private String[] parseKey(byte[] key, String topic) {
        String name = utf8(key);
        if (name == null) {
            return null;
        }
        String[] parts = name.split(":", -1);
        if (parts.length == 2 && parts[0].equals("engage-in") && topic.equals(topics.in())
                && Envelope.CODE.matcher(parts[1]).matches()) {
            return new String[] {parts[1], Role.PARTICIPANT.name().toLowerCase(Locale.ROOT)};
        }
        if (parts.length == 3 && parts[0].equals("engage-ctl") && topic.equals(topics.ctl())
                && Envelope.CODE.matcher(parts[1]).matches() && Role.ofStaffChannel(parts[2]) != null) {
            return new String[] {parts[1], parts[2]};
        }
        return null;
    }

    private static DeadReason checkJson(byte[] value) {
        if (value == null) {
            return DeadReason.NOT_JSON;
        }
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (java.io.IOException e) {
            return DeadReason.NOT_JSON;
        }
        if (node == null || !node.isObject()) {
            return DeadReason.NOT_JSON;
        }
        JsonNode type = node.get("type");
        return type == null || !type.isTextual() || type.asText().isEmpty() ? DeadReason.NO_TYPE : null;
    }

    private static String utf8(byte[] bytes) {
        if (bytes == null || bytes.length == 0 || bytes.length > 200) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private void dead(Record<byte[], byte[]> record, DeadReason reason, RecordMetadata source) {
        metrics.deadLetter(reason);
        context.forward(DeadLetters.copy(record, reason, source, topics.dead()));
    }
}
