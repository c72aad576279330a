package io.chorus.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads one event's audit records for an export, on a worker thread: the audit topic's key is the
 * event code and ingest produces with Kafka's default partitioner (murmur2 of the key), so all of an
 * event's records are in one partition and only that one is read, from its beginning up to its end
 * at request time (read_committed: only what ingest's transactions committed, which is why the end is
 * the last stable offset). Rows go out in chunks as they are read; at most {@code maxRows} of them.
 */
final class AuditReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK_CHARS = 64 * 1024;

    /** Where chunks go; blocks while the client is slow, throws when it is gone. */
    interface ChunkSink {
        void write(String chunk) throws Exception;
    }

    /** What an export read. */
    record Result(int rows, boolean truncated) {
    }

    private final ApiConfig config;

    AuditReader(ApiConfig config) {
        this.config = config;
    }

    Result read(String code, String activity, ExportFormat format, ChunkSink sink, long deadlineNanos)
            throws Exception {
        String topic = config.topics().audit();
        StringBuilder out = new StringBuilder();
        format.begin(out, code, activity);
        int rows = 0;
        boolean truncated = false;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config.kafka(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000,
                ConsumerConfig.CLIENT_ID_CONFIG, "chorus-engage-api-export")),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            Duration timeout = remaining(deadlineNanos);
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions != null && !partitions.isEmpty()) {
                // The partition the default partitioner gives the key (BuiltInPartitioner.partitionForKey).
                int p = Utils.toPositive(Utils.murmur2(code.getBytes(StandardCharsets.UTF_8))) % partitions.size();
                TopicPartition tp = new TopicPartition(topic, p);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
                // The first chunk goes out once Kafka answered: before that an error can still be a status.
                sink.write(flush(out));
                while (!truncated && consumer.position(tp, remaining(deadlineNanos)) < end) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.offset() >= end) {
                            break;
                        }
                        JsonNode record = accepted(r, code, activity);
                        if (record == null) {
                            continue;
                        }
                        if (rows == config.maxExportRows()) {
                            truncated = true;
                            break;
                        }
                        format.row(out, record, rows == 0);
                        rows++;
                        if (out.length() >= CHUNK_CHARS) {
                            sink.write(flush(out));
                        }
                    }
                    if (System.nanoTime() > deadlineNanos) {
                        throw new java.util.concurrent.TimeoutException("export took longer than "
                                + config.exportTimeout());
                    }
                }
            } else {
                sink.write(flush(out)); // no audit topic yet: nothing was accepted
            }
        }
        format.end(out, truncated);
        sink.write(flush(out));
        return new Result(rows, truncated);
    }

    /** The record as a row, or null: another event's (same partition), not JSON, another activity. */
    private static JsonNode accepted(ConsumerRecord<String, byte[]> r, String code, String activity) {
        if (!code.equals(r.key()) || r.value() == null) {
            return null;
        }
        JsonNode v;
        try {
            v = JSON.readTree(r.value());
        } catch (IOException e) {
            return null;
        }
        if (v == null || !v.isObject() || (activity != null && !activity.equals(v.path("activity").asText(null)))) {
            return null;
        }
        return v;
    }

    private static String flush(StringBuilder out) {
        String s = out.toString();
        out.setLength(0);
        return s;
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
    }
}
