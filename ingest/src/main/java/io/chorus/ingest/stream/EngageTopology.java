package io.chorus.ingest.stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.ingest.config.IngestConfig;
import io.chorus.ingest.engage.Registry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The topology:
 * <pre>
 *   chorus.engage-in, chorus.engage-ctl (bytes)
 *     → read (check, key = event code) ─── poison ──→ chorus.engage-dead
 *     ├→ local: a participant command already on its event's partition
 *     └→ repartition "by-event" (everything else)
 *     → engage (dedup, rules, store "engage-state", conflated snapshots)
 *     → chorus.engage | -chat | -mod | -me | -audit | -dead   (topic per record, murmur2 partition)
 * </pre>
 * An event's state lives on partition {@link #eventPartition} of its code, the partition the "by-event"
 * topic gives it. The gateway writes {@code engage-in:CODE} there too when that namespace's partitioner
 * is {@code murmur2_name}; such a command is applied by the task that read it, saving the second topic's
 * write, read and transaction. A command found anywhere else (another partitioner, a backend's own
 * producer, records written before an upgrade) takes the repartition topic, as every command did
 * before: where a command arrives changes its cost, never its outcome. Everything is one sub-topology,
 * so task {@code p} reads partition {@code p} of both command topics and of "by-event".
 * Everything is bytes at the edges, so no record can fail deserialization.
 */
public final class EngageTopology {

    public static final String STORE = "engage-state";
    public static final String REPARTITION = "by-event";

    private EngageTopology() {
    }

    /** The JSON mapper of the rules: lenient about unknown fields, so older state reads after an upgrade. */
    public static ObjectMapper json() {
        return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /** The partition of an event's state: murmur2 of its code, as the "by-event" topic places its key. */
    static int eventPartition(byte[] code, int partitions) {
        return Utils.toPositive(Utils.murmur2(code)) % partitions;
    }

    /**
     * {@code localPartitions}: the partition count of the participant command topic when it equals that
     * of "by-event" (which Streams gives the larger count of the two command topics), so a participant
     * command on partition {@link #eventPartition} is already where its event's state is; 0 sends every
     * command through "by-event".
     */
    public static Topology build(IngestConfig config, Registry registry, IngestMetrics metrics, int localPartitions) {
        return build(config, registry, metrics, localPartitions, null);
    }

    /** {@code backlogs}: the stream threads' consumers that pace commits ({@link Backlogs}); null, none. */
    public static Topology build(IngestConfig config, Registry registry, IngestMetrics metrics, int localPartitions,
                                 Backlogs backlogs) {
        ObjectMapper json = json();
        StreamsBuilder builder = new StreamsBuilder();
        // Cached: the keys a storm writes again and again (a poll's tally, its dirty mark, a channel's seq)
        // reach RocksDB and the changelog once per commit instead of once per command.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        KStream<byte[], Routed> read = builder
                .stream(List.of(config.topics().in(), config.topics().ctl()),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("commands"))
                .process(() -> new CommandReader(config.topics(), config.engage().limits().commandBytes(), metrics,
                        localPartitions, config.kafka().commit(), backlogs), Named.as("read"));
        Map<String, KStream<byte[], Routed>> paths = read.split(Named.as("read-"))
                .branch((k, v) -> v.topic() != null,
                        Branched.withConsumer(dead -> dead.to((k, v, c) -> v.topic(), produced("dead")), "dead"))
                .branch((k, v) -> v.local(), Branched.as("local"))
                .defaultBranch(Branched.as("elsewhere"));
        KStream<byte[], byte[]> moved = paths.get("read-elsewhere").mapValues(Routed::value, Named.as("command"))
                .repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(REPARTITION));
        paths.get("read-local").mapValues(Routed::value, Named.as("local-command"))
                .merge(moved, Named.as("both-paths"))
                .process(() -> new EngageProcessor(config.engage(), config.kafka().commit(), backlogs,
                                config.topics(), registry, metrics, json),
                        Named.as("engage"), STORE)
                .to((k, v, c) -> v.topic(), produced("output"));
        return builder.build();
    }

    private static Produced<byte[], Routed> produced(String name) {
        return Produced.with(Serdes.ByteArray(), new RoutedSerde()).withStreamPartitioner(new ChannelPartitioner())
                .withName(name);
    }
}
