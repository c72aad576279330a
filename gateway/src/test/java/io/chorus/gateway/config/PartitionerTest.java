package io.chorus.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.gateway.feed.TopicInfo;
import io.chorus.schema.ChannelName;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** The gateway finds a channel where each kind of Kafka client puts it. */
class PartitionerTest {

    private static final String[] NAMES = {"chat:room1", "a", "poll:evt42:q1", "x/y@z", "engage:ABC123",
        "default-room", "n.s:with-Every_char.@/0123456789"};
    private static final int[] COUNTS = {1, 3, 6, 8, 64, 1000};

    /** Every name over every count: the gateway's partition is the Java producer's for the key {@code javaKey} gives. */
    private static void matchesTheJavaProducer(Partitioner p, java.util.function.Function<ChannelName, byte[]> javaKey) {
        for (String name : NAMES) {
            for (int partitions : COUNTS) {
                ChannelName c = ChannelName.parse(name);
                TopicInfo t = new TopicInfo("t", UUID.randomUUID(), partitions);
                assertEquals(BuiltInPartitioner.partitionForKey(javaKey.apply(c), partitions), t.partitionOf(c, p),
                        name + " over " + partitions);
                // The live reader's check of a record, from the key bytes a backend wrote.
                assertEquals(t.partitionOf(c, p), t.partitionOfKey(name.getBytes(StandardCharsets.UTF_8), p),
                        name + " over " + partitions + ", from the record's key");
            }
        }
    }

    @Test
    void murmur2IsWhereKafkasJavaProducerPutsAKey() {
        matchesTheJavaProducer(Partitioner.MURMUR2, ChannelName::keyBytes);
        // Checked on a real broker with the Java producer (NOTES.md).
        assertEquals(7, Partitioner.MURMUR2.partition(bytes("chat:room1"), 8));
    }

    @Test
    void murmur2NameIsWhereKafkasJavaProducerPutsTheNameAlone() {
        matchesTheJavaProducer(Partitioner.MURMUR2_NAME, c -> {
            String key = new String(c.keyBytes(), StandardCharsets.UTF_8);
            return bytes(key.substring(key.indexOf(':') + 1));
        });
        assertEquals(Partitioner.MURMUR2.partition(bytes("ABC123"), 3),
                Partitioner.MURMUR2_NAME.partition(bytes("engage-in:ABC123"), 3));
        assertEquals(Partitioner.MURMUR2_NAME, Partitioner.of("murmur2_name"));
    }

    @Test
    void murmur2NameMatchesTheJavaProducerForAnEmptyNameAndMultiByteUtf8() {
        // Not channel names (the gateway's are ASCII with a name after the colon), but the partitioner takes
        // any key: its name part, found on bytes, must be the one found on characters.
        String[] keys = {"ns:", ":", "", "bare", "a:b:c", "ns:caf\u00e9-\u00fc\u00f1\u00ee", "\u540d\u524d:\u30c1\u30e3\u30cd\u30eb",
            "x:\ud83d\ude00\ud83d\ude01!"};
        for (String key : keys) {
            byte[] name = key.substring(key.indexOf(':') + 1).getBytes(StandardCharsets.UTF_8);
            for (int partitions : COUNTS) {
                assertEquals(BuiltInPartitioner.partitionForKey(name, partitions),
                        Partitioner.MURMUR2_NAME.partition(key.getBytes(StandardCharsets.UTF_8), partitions),
                        key + " over " + partitions);
            }
        }
    }

    @Test
    void murmur2OverARangeIsKafkasMurmur2OfThatRangeAlone() {
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            byte[] key = new byte[random.nextInt(40)];
            random.nextBytes(key);
            int from = random.nextInt(key.length + 1);
            int to = from + random.nextInt(key.length - from + 1);
            assertEquals(Utils.murmur2(Arrays.copyOfRange(key, from, to)), Partitioner.murmur2(key, from, to),
                    "bytes " + from + " to " + to + " of " + key.length);
        }
    }

    @Test
    void crc32IsTheUnsignedCrc32OfTheKeyModuloThePartitionCount() {
        for (String name : NAMES) {
            for (int partitions : COUNTS) {
                CRC32 crc = new CRC32();
                crc.update(bytes(name));
                long expected = crc.getValue() % partitions;
                assertEquals(expected, Partitioner.CRC32.partition(bytes(name), partitions), name + " over " + partitions);
            }
        }
    }

    @Test
    void crc32IsWhereKcatPutsAKeyWithItsDefaults() {
        // Read back with kcat 1.7.1 (librdkafka, partitioner left at its default) from topics of 6 and
        // 8 partitions on the test broker: kcat -C -f '%k %p'.
        String[] keys = {"chat:room1", "poll:evt42:q1", "engage:ABC123", "123456789", "x/y@z"};
        int[] over6 = {0, 2, 1, 2, 3};
        int[] over8 = {0, 4, 1, 6, 3};
        for (int i = 0; i < keys.length; i++) {
            assertEquals(over6[i], Partitioner.CRC32.partition(bytes(keys[i]), 6), keys[i]);
            assertEquals(over8[i], Partitioner.CRC32.partition(bytes(keys[i]), 8), keys[i]);
        }
    }

    @Test
    void crc32MatchesTheStandardCheckValue() {
        // CRC-32 (ISO-HDLC, zlib's) of "123456789" is 0xCBF43926, above 2^31: the modulo must be unsigned.
        long check = 0xCBF43926L;
        for (int partitions : COUNTS) {
            assertEquals(check % partitions, Partitioner.CRC32.partition(bytes("123456789"), partitions));
        }
        assertEquals(262, Partitioner.CRC32.partition(bytes("123456789"), 1000));
    }

    @Test
    void bothStayInRangeForKeysWhoseHashIsNegativeAsASignedInt() {
        for (int i = 0; i < 2000; i++) {
            byte[] key = bytes("k" + i);
            for (Partitioner p : Partitioner.values()) {
                int part = p.partition(key, 7);
                assertTrue(part >= 0 && part < 7, p + " " + i + " -> " + part);
            }
        }
    }

    @Test
    void configNamesReadBackAndAnUnknownOneListsTheChoices() {
        assertEquals(Partitioner.MURMUR2, Partitioner.of("murmur2"));
        assertEquals(Partitioner.CRC32, Partitioner.of("crc32"));
        ConfigException e = assertThrows(ConfigException.class, () -> Partitioner.of("consistent_random"));
        assertTrue(e.getMessage().contains("consistent_random") && e.getMessage().contains("murmur2, crc32"),
                e.getMessage());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
