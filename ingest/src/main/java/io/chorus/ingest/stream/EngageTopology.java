package io.chorus.ingest.stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.ingest.config.IngestConfig;
import io.chorus.ingest.engage.Registry;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
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
 *     → repartition "by-event" (one task owns an event's state)
 *     → engage (dedup, rules, store "engage-state", conflated snapshots)
 *     → chorus.engage | -chat | -mod | -me | -audit | -dead   (topic per record, murmur2 partition)
 * </pre>
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

    public static Topology build(IngestConfig config, Registry registry, IngestMetrics metrics) {
        ObjectMapper json = json();
        StreamsBuilder builder = new StreamsBuilder();
        // Cached: the keys a storm writes again and again (a poll's tally, its dirty mark, a channel's seq)
        // reach RocksDB and the changelog once per commit instead of once per command.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        KStream<byte[], Routed> read = builder
                .stream(List.of(config.topics().in(), config.topics().ctl()),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("commands"))
                .process(() -> new CommandReader(config.topics(), config.engage().limits().commandBytes(), metrics),
                        Named.as("read"));
        read.split(Named.as("read-"))
                .branch((k, v) -> v.topic() != null,
                        Branched.withConsumer(dead -> dead.to((k, v, c) -> v.topic(), produced("dead")), "dead"))
                .defaultBranch(Branched.withConsumer(commands -> commands
                        .mapValues(Routed::value, Named.as("command"))
                        .repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(REPARTITION))
                        .process(() -> new EngageProcessor(config.engage(), config.topics(), registry, metrics, json),
                                Named.as("engage"), STORE)
                        .to((k, v, c) -> v.topic(), produced("output")), "commands"));
        return builder.build();
    }

    private static Produced<byte[], Routed> produced(String name) {
        return Produced.with(Serdes.ByteArray(), new RoutedSerde()).withStreamPartitioner(new ChannelPartitioner())
                .withName(name);
    }
}
