package io.chorus.ingest.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.config.ConfigLoader;
import io.chorus.ingest.config.IngestConfig;
import io.chorus.ingest.engage.Registry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Ingest's real topology in a {@link TopologyTestDriver}: commands go in as the gateway writes them
 * (key = channel, headers {@code chorus-client} and {@code chorus-id}), every output topic is read as
 * JSON. Time is the driver's: record timestamps are given, the wall clock moves only when a test says.
 */
public final class Harness implements AutoCloseable {

    public static final String CODE = "ABC234";
    public static final ObjectMapper JSON = new ObjectMapper();

    /** One output record: its key (channel), JSON value and {@code chorus-id}. */
    public record Out(String key, JsonNode value, String id, TestRecord<byte[], byte[]> raw) {
    }

    public final IngestConfig config;
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    public final TopologyTestDriver driver;
    private final Path stateDir;
    private final TestInputTopic<byte[], byte[]> in;
    private final TestInputTopic<byte[], byte[]> ctl;
    private final AtomicLong ids = new AtomicLong();
    private long time = 1_000_000;

    public Harness() {
        this(ConfigLoader.defaults("unused:9092"), null);
    }

    public Harness(IngestConfig base, Registry registry) {
        this(base, registry, 1);
    }

    /**
     * {@code localPartitions} as {@link EngageTopology#build} takes it: 1 (the driver's topics have one
     * partition) lets participant commands skip "by-event", 0 sends every command through it.
     */
    public Harness(IngestConfig base, Registry registry, int localPartitions) {
        try {
            stateDir = Files.createTempDirectory("ingest-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config = base.withKafka(base.kafka().withStateDir(stateDir.toString()));
        Registry rules = registry != null ? registry : Registry.standard(config.engage(), meters);
        IngestMetrics metrics = new IngestMetrics(meters, rules.types());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // No processing.guarantee here: the driver runs no transactions either way, and with exactly-once
        // it commits (flushing RocksDB) after every record, which makes a test of a thousand commands slow.
        driver = new TopologyTestDriver(EngageTopology.build(config, rules, metrics, localPartitions), p,
                Instant.ofEpochMilli(0));
        in = driver.createInputTopic(config.topics().in(), new ByteArraySerializer(), new ByteArraySerializer());
        ctl = driver.createInputTopic(config.topics().ctl(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    public long now() {
        return time;
    }

    /** Record time moves on by {@code ms} (the gateway's publish time of the next commands). */
    public void later(long ms) {
        time += ms;
    }

    public String nextId() {
        return "cmd-" + ids.incrementAndGet();
    }

    /** A participant command on {@code engage-in:CODE} from {@code pid}; returns its command id. */
    public String participant(String pid, String json) {
        String id = nextId();
        raw(config.topics().in(), "engage-in:" + CODE, json.getBytes(StandardCharsets.UTF_8), pid, id);
        return id;
    }

    /** A staff command on {@code engage-ctl:CODE:ROLE}; returns its command id. */
    public String staff(String role, String sender, String json) {
        String id = nextId();
        raw(config.topics().ctl(), "engage-ctl:" + CODE + ":" + role, json.getBytes(StandardCharsets.UTF_8), sender, id);
        return id;
    }

    public String host(String json) {
        return staff("host", "host-1", json);
    }

    /** Any record, as a backend or a broken client could write it (null key, client or id: left out). */
    public void raw(String topic, String key, byte[] value, String client, String id) {
        RecordHeaders headers = new RecordHeaders();
        if (client != null) {
            headers.add("chorus-client", client.getBytes(StandardCharsets.UTF_8));
        }
        if (id != null) {
            headers.add("chorus-id", id.getBytes(StandardCharsets.UTF_8));
        }
        TestRecord<byte[], byte[]> r = new TestRecord<>(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value, headers, time);
        (topic.equals(config.topics().in()) ? in : topic.equals(config.topics().ctl()) ? ctl
                : driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer())).pipeInput(r);
    }

    /** Creates the event (as the join API does) and drains its outputs. */
    public void createEvent(String title) {
        staff("host", "system", "{\"type\":\"event.create\",\"title\":\"" + title + "\"}");
        drainAll();
    }

    /** Runs the publish punctuator once (the wall clock moves one publish interval). */
    public void tick() {
        driver.advanceWallClockTime(config.engage().publishInterval());
    }

    public void advance(Duration d) {
        driver.advanceWallClockTime(d);
    }

    private final java.util.Map<String, List<Out>> unread = new java.util.HashMap<>();

    /** Everything written to a topic and not yet taken. */
    public List<Out> read(String topic) {
        return take(topic, o -> true);
    }

    /** Takes the unread records of a topic that match; the others stay unread. */
    public List<Out> take(String topic, java.util.function.Predicate<Out> which) {
        List<Out> buffer = unread.computeIfAbsent(topic, t -> new ArrayList<>());
        TestOutputTopic<byte[], byte[]> t = driver.createOutputTopic(topic, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        for (TestRecord<byte[], byte[]> r : t.readRecordsToList()) {
            JsonNode value;
            try {
                value = r.value() == null ? null : JSON.readTree(r.value());
            } catch (IOException e) {
                value = null;
            }
            var id = r.headers().lastHeader("chorus-id");
            buffer.add(new Out(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), value,
                    id == null ? null : new String(id.value(), StandardCharsets.UTF_8), r));
        }
        List<Out> taken = buffer.stream().filter(which).toList();
        buffer.removeAll(taken);
        return taken;
    }

    /** The replies to one participant on {@code engage-me:CODE:PID} (their "you" state stays unread). */
    public List<JsonNode> replies(String pid) {
        return take(config.topics().me(), o -> o.key().equals("engage-me:" + CODE + ":" + pid)
                && o.value().path("type").asText().equals("reply")).stream().map(Out::value).toList();
    }

    /** The reply to one command (exactly one is expected among the unread replies to {@code pid}). */
    public JsonNode replyTo(String pid, String commandId) {
        List<JsonNode> found = take(config.topics().me(), o -> o.key().equals("engage-me:" + CODE + ":" + pid)
                && o.value().path("type").asText().equals("reply")
                && o.value().path("id").asText().equals(commandId)).stream().map(Out::value).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one reply to " + commandId + ", got " + found);
        }
        return found.get(0);
    }

    /** The error code of the reply to a command, or "ok". */
    public String outcome(String pid, String commandId) {
        JsonNode r = replyTo(pid, commandId);
        return r.path("ok").asBoolean() ? "ok" : r.path("error").path("code").asText();
    }

    /** Snapshots written to {@code chorus.engage} for one channel after a tick. */
    public List<JsonNode> snapshots(String channel) {
        tick();
        return take(config.topics().engage(), o -> o.key().equals(channel)).stream().map(Out::value).toList();
    }

    /** The latest snapshot of a channel after a tick (the test fails if none was written). */
    public ObjectNode latest(String channel) {
        List<JsonNode> all = snapshots(channel);
        if (all.isEmpty()) {
            throw new AssertionError("no snapshot of " + channel);
        }
        return (ObjectNode) all.get(all.size() - 1);
    }

    public void drainAll() {
        tick();
        for (String t : config.topics().all()) {
            read(t);
        }
    }

    public double counter(String name, String... tags) {
        var c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        driver.close();
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
