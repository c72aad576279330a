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
            return Utils.toPositive(murmur2(key, from, key.length)) % partitions;
        }
    };

    /**
     * Kafka's murmur2 ({@code Utils.murmur2}: MurmurHash2, seed {@code 0x9747b28c}, little-endian 4-byte
     * blocks) over {@code key[from, to)}. Kafka's takes a whole array; the live reader asks per record, so
     * hashing the name in place saves a copy each time. PartitionerTest holds it to the Java producer's.
     */
    static int murmur2(byte[] key, int from, int to) {
        final int m = 0x5bd1e995;
        int length = to - from;
        int h = 0x9747b28c ^ length;
        int tail = from + (length & ~3);
        for (int i = from; i < tail; i += 4) {
            int k = (key[i] & 0xff) | (key[i + 1] & 0xff) << 8 | (key[i + 2] & 0xff) << 16 | (key[i + 3] & 0xff) << 24;
            k *= m;
            k ^= k >>> 24;
            k *= m;
            h = h * m ^ k;
        }
        int rest = length & 3;
        if (rest > 0) {
            if (rest == 3) {
                h ^= (key[tail + 2] & 0xff) << 16;
            }
            if (rest >= 2) {
                h ^= (key[tail + 1] & 0xff) << 8;
            }
            h ^= key[tail] & 0xff;
            h *= m;
        }
        h ^= h >>> 13;
        h *= m;
        return h ^ h >>> 15;
    }

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
