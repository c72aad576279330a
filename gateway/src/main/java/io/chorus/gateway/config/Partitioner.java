package io.chorus.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Utils;

/**
 * Where a namespace's backends put a channel's records: the partitioner of their Kafka client, applied
 * to the key (the channel name). The gateway uses the same one to find a channel's partition for
 * subscriptions, resumes, history and its own publishes, so a backend keeps its client's defaults.
 */
public enum Partitioner {

    /** Kafka's Java client default (and librdkafka's {@code murmur2_random}): murmur2 of the key bytes. */
    MURMUR2 {
        @Override
        public int partition(byte[] key, int partitions) {
            return Utils.toPositive(Utils.murmur2(key)) % partitions;
        }
    },
    /**
     * librdkafka's default ({@code consistent_random}, and {@code consistent}): used by kcat and the
     * Python, Go, Node and .NET clients built on it. librdkafka's src/rdkafka_msg.c defines
     * {@code rd_kafka_msg_partitioner_consistent} as {@code rd_crc32(key, keylen) % partition_cnt},
     * where rd_crc32 (src/rdcrc32.h) is zlib's CRC-32 as an unsigned 32-bit value; java.util.zip.CRC32
     * is the same checksum. Only empty keys differ (random there), and the gateway skips those anyway.
     */
    CRC32 {
        @Override
        public int partition(byte[] key, int partitions) {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(key);
            return (int) (crc.getValue() % partitions);
        }
    },
    /**
     * murmur2 of the channel's name without its namespace ({@code CODE} of {@code engage-in:CODE}): where
     * Kafka's Java client and Kafka Streams put a record keyed by that name alone, so a Streams application
     * that keys its state by the name reads a channel's records on the partition that holds its state,
     * without repartitioning them (ingest's {@code engage-in}: ingest/README.md, "Topology"). The
     * namespace ends at the key's first {@code :} (a single byte in UTF-8, never inside another character).
     */
    MURMUR2_NAME {
        @Override
        public int partition(byte[] key, int partitions) {
            int colon = 0;
            while (colon < key.length && key[colon] != ':') {
                colon++;
            }
            int from = colon < key.length ? colon + 1 : 0;
            return Utils.toPositive(Utils.murmur2(java.util.Arrays.copyOfRange(key, from, key.length))) % partitions;
        }
    };

    /** The partition of a record with this key in a topic of {@code partitions} partitions. */
    public abstract int partition(byte[] key, int partitions);

    /** The name in configuration: {@code murmur2}, {@code crc32} or {@code murmur2_name}. */
    @JsonValue
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads a configured name; anything else is a configuration error that lists the choices. */
    @JsonCreator
    public static Partitioner of(String name) {
        for (Partitioner p : values()) {
            if (p.configName().equals(name)) {
                return p;
            }
        }
        throw new ConfigException("unknown partitioner '" + name + "' (expected one of "
                + Arrays.stream(values()).map(Partitioner::configName).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return configName();
    }
}
