package io.chorus.ingest;

import io.chorus.ingest.config.IngestConfig;
import io.chorus.ingest.engage.Registry;
import io.chorus.ingest.stream.Backlogs;
import io.chorus.ingest.stream.EngageTopology;
import io.chorus.ingest.stream.IngestMetrics;
import io.chorus.ingest.stream.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * A running ingest: the Kafka Streams application with {@code processing.guarantee=exactly_once_v2}, so
 * each task's state changes, its output records and its consumed offsets commit in one transaction.
 * {@link #start} returns at once; {@link #state()} says when it serves.
 */
public final class Ingest implements AutoCloseable {

    /** Where the application is: starting (or rebalancing), ready, failed or stopped. */
    public enum State { STARTING, READY, FAILED, STOPPED }

    private final KafkaStreams streams;
    private final PrometheusMeterRegistry registry;
    private final KafkaStreamsMetrics streamsMetrics;

    private Ingest(KafkaStreams streams, PrometheusMeterRegistry registry, KafkaStreamsMetrics streamsMetrics) {
        this.streams = streams;
        this.registry = registry;
        this.streamsMetrics = streamsMetrics;
    }

    public static Ingest start(IngestConfig config) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return start(config, Registry.standard(config.engage(), registry), registry, registry);
    }

    /**
     * As {@link #start(IngestConfig)}, with every meter registered in {@code alsoIn} too (dev mode: the
     * gateway's {@code /metrics}). A Prometheus registry added to a composite later would not do: a
     * composite forwards only the meters registered through it.
     */
    public static Ingest start(IngestConfig config, MeterRegistry alsoIn) {
        PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CompositeMeterRegistry both = new CompositeMeterRegistry();
        both.add(own);
        both.add(alsoIn);
        return start(config, Registry.standard(config.engage(), both), own, both);
    }

    /** Starts with the given rules (tests and embedders); creates missing topics first when configured. */
    public static Ingest start(IngestConfig config, Registry rules) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return start(config, rules, registry, registry);
    }

    /** {@code meters}: where ingest registers its meters; {@code registry} (in it), what {@link #metrics} gives. */
    private static Ingest start(IngestConfig config, Registry rules, PrometheusMeterRegistry registry,
                                MeterRegistry meters) {
        if (config.kafka().createTopics()) {
            Topics.createMissing(config);
        }
        IngestMetrics metrics = new IngestMetrics(meters, rules.types());
        Backlogs backlogs = new Backlogs();
        KafkaStreams streams = new KafkaStreams(EngageTopology.build(config, rules, metrics,
                Topics.localPartitions(config), backlogs), properties(config), new LeavingClients(backlogs));
        // A bug that escapes the processors (they catch what rules throw) restarts the thread from the last
        // commit; a fault that comes back at once (missing topics, a thread failing again and again) stops.
        streams.setUncaughtExceptionHandler(new ThreadFailures(registry, System::currentTimeMillis));
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        streams.start();
        return new Ingest(streams, registry, streamsMetrics);
    }

    /** Kafka Streams' record cache, shared by the instance's stream threads, unless configured. */
    static final long RECORD_CACHE_BYTES = 64L * 1024 * 1024;
    /** {@code cache.max.bytes.buffering}, the record cache's older name (still read by Streams 4.1). */
    private static final String DEPRECATED_CACHE_BYTES = "cache.max.bytes.buffering";

    /** The Kafka Streams properties ingest runs with (exactly-once, its serdes, its commit interval, its cache). */
    public static Properties properties(IngestConfig config) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.kafka().applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.kafka().stateDir());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.kafka().threads());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.kafka().replicationFactor());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, RecordTime.class);
        // A reply reaches its participant when the transaction that wrote it commits, and a command that
        // crosses the repartition topic waits for one more (read_committed); snapshots do not wait for it
        // (a publish pass asks for a commit). Streams commits on its own every kafka.commit.intervalBehind:
        // by default 100 ms, Streams' default under exactly-once (50 ms cost the vote storm about 9 % more
        // broker CPU and 12 % more ingest CPU per vote for no fresher display, bench/BENCHMARKS.md, s22).
        // With pacing on (a longer intervalBehind), a task that keeps up asks for one every
        // kafka.commit.interval when it processed something (CommitPacer). An operator's
        // commit.interval.ms in kafka.streams replaces Streams' own interval.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.kafka().commit().intervalBehind().toMillis());
        // An instance that dies (SIGKILL, a lost node) holds its partitions until its session times out:
        // every event on them waits that long. 10 s instead of the consumer's 45 s; heartbeats run on
        // their own thread every 3 s, so a long command or GC pause does not end a session. (A clean stop
        // leaves the group at once: LeavingClients.)
        // Unprefixed, so an operator's session.timeout.ms in kafka.streams replaces it.
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        // The record cache in front of RocksDB: every participant's `you` snapshot reads their response to
        // each activity of the event, and with Streams' 10 MiB those of a 10,000-participant event fell out
        // of it and were read from RocksDB on every vote. 64 MiB keeps them (bench/BENCHMARKS.md, s23). An
        // operator's value under either name wins (Streams prefers this name to the deprecated one).
        if (!config.kafka().streams().containsKey(DEPRECATED_CACHE_BYTES)) {
            p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, RECORD_CACHE_BYTES);
        }
        p.putAll(config.kafka().streams());
        return p;
    }

    public State state() {
        return switch (streams.state()) {
            case RUNNING -> State.READY;
            case CREATED, REBALANCING -> State.STARTING;
            case ERROR, PENDING_ERROR -> State.FAILED;
            case PENDING_SHUTDOWN, NOT_RUNNING -> State.STOPPED;
        };
    }

    /** The ingest metrics and the Kafka Streams client metrics; {@code scrape()} gives the Prometheus text. */
    public PrometheusMeterRegistry metrics() {
        return registry;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        streamsMetrics.close();
        registry.close();
    }
}
