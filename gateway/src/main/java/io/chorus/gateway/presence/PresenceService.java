package io.chorus.gateway.presence;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.config.PresenceConfig;
import io.chorus.gateway.feed.TopicCatalog;
import io.chorus.gateway.feed.TopicInfo;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence and occupancy for the pod (see the package documentation). One thread,
 * {@code chorus-presence}, reads the presence topic, writes the pod's changed shares at most once per
 * flush interval, renews its lease, sweeps expired shares and grace periods, and sends occupancy
 * frames; connections call in from their event loops. All state is guarded by this object's lock;
 * frames are handed to sinks outside it.
 */
public final class PresenceService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceService.class);
    /**
     * The longest the reader waits when nothing is due. It wakes for what is: a record (the poll
     * returns), a local change (enter, leave, a closed connection and the first subscriber change
     * since a flush wake the poll), a lease or grace period running out, the pod's own renewal, a
     * change held back by {@code flushInterval}, an occupancy tick. Each wake-up is a consumer poll:
     * at a fixed 250 ms (100 ms before that) they were the largest part of an idle pod's CPU.
     */
    static final long IDLE_WAIT_MS = 5_000;
    /**
     * Sweeps at most this often: each one walks every channel, and with many channels some lease or
     * grace period is always about to end. Leases and grace periods are seconds long.
     */
    private static final long MIN_SWEEP_GAP_MS = 250;

    private final PresenceConfig config;
    private final TopicCatalog catalog;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final Clock clock;
    private final String pod = "p-" + UUID.randomUUID().toString().substring(0, 12);
    private final LocalPresence local;
    private final PresenceView view;
    private final Map<String, List<PresenceSink>> presenceWatchers = new HashMap<>();
    private final Map<String, Map<PresenceSink, PresenceFrames.Occupancy>> occupancyWatchers = new HashMap<>();
    private final Thread thread;
    private final Counter recordsOk;
    private final Counter recordsBad;
    private final GatewayMetrics metrics;
    private volatile boolean running = true;
    private volatile boolean ready;
    private String lastProblem;

    public PresenceService(PresenceConfig config, TopicCatalog catalog, Consumer<byte[], byte[]> consumer,
                           Producer<byte[], byte[]> producer, GatewayMetrics metrics, Clock clock) {
        this.config = config;
        this.catalog = catalog;
        this.consumer = consumer;
        this.producer = producer;
        this.clock = clock;
        this.metrics = metrics;
        this.local = new LocalPresence(pod, config.lease().toMillis(), config.maxMembers(), config.maxChannels());
        this.view = new PresenceView(config.maxMembers(), config.maxChannels(), config.grace().toMillis());
        this.thread = new Thread(this::run, "chorus-presence");
        this.thread.setDaemon(true);
        var r = metrics.registry();
        recordsOk = Counter.builder("chorus_presence_records").tag("result", "ok")
                .description("presence shares read from the presence topic").register(r);
        recordsBad = Counter.builder("chorus_presence_records").tag("result", "invalid")
                .description("presence shares read from the presence topic").register(r);
        metrics.gauge("chorus_presence_channels", "channels with presence or occupancy across pods",
                () -> locked(view::channels));
        metrics.gauge("chorus_presence_local_members", "members entered through this pod", () -> locked(local::members));
        metrics.gauge("chorus_presence_leaving", "members within their grace period", () -> locked(view::leaving));
        metrics.gauge("chorus_presence_channels_dropped", "shares ignored because presence.maxChannels was reached",
                () -> locked(view::dropped));
        // Until this pod reads the presence topic, enter and leave answer topic_missing: say so.
        metrics.gauge("chorus_presence_ready", "1 when this pod reads the presence topic and serves presence",
                () -> ready ? 1 : 0);
    }

    public void start() {
        thread.start();
    }

    public String pod() {
        return pod;
    }

    /**
     * Enters (or updates) the connection's member on the channel; completes when Kafka stored it.
     * Throws message_too_large, busy or topic_missing.
     */
    public CompletableFuture<Void> enter(ChannelName channel, String connection, String clientId, JsonNode data) {
        checkData(data);
        requireReady();
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            if (!local.hasRoom(channel.value())) {
                throw new ChorusException(ErrorCode.BUSY, "this pod tracks presence.maxChannels channels");
            }
            local.set(channel.value(), connection, new Member(clientId, data, clock.millis()), done);
        }
        consumer.wakeup();
        metrics.presence("enter");
        return done;
    }

    /** Member data must be JSON of at most {@code presence.maxDataBytes}: else message_too_large. */
    public void checkData(JsonNode data) {
        int size;
        try {
            size = ShareRecord.JSON.writeValueAsBytes(data).length;
        } catch (IOException e) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "data is not JSON");
        }
        if (size > config.maxDataBytes()) {
            throw new ChorusException(ErrorCode.MESSAGE_TOO_LARGE, "presence data is " + size
                    + " bytes; the limit is " + config.maxDataBytes());
        }
    }

    /** An explicit leave; not_present when the connection had not entered. */
    public CompletableFuture<Void> leave(ChannelName channel, String connection) {
        requireReady();
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            if (!local.leave(channel.value(), connection, done)) {
                throw new ChorusException(ErrorCode.NOT_PRESENT, "this connection has not entered " + channel);
            }
        }
        consumer.wakeup();
        metrics.presence("leave");
        return done;
    }

    /** The connection closed: its members stay for the grace period unless it comes back. */
    public void closed(String connection, Iterable<String> enteredChannels) {
        synchronized (this) {
            local.closed(connection, enteredChannels);
        }
        consumer.wakeup();
    }

    /** A subscription to the channel started (+1) or ended (-1) on this pod. */
    public synchronized void subscribers(ChannelName channel, int delta) {
        // Before the reader is ready it does not poll, and a wake-up would interrupt its assignment.
        if (local.subscribers(channel.value(), delta) && ready) {
            consumer.wakeup();
        }
    }

    public synchronized PresenceFrames.Snapshot members(String channel) {
        return new PresenceFrames.Snapshot(view.members(channel), view.count(channel), view.digest(channel));
    }

    public synchronized PresenceFrames.Occupancy occupancy(String channel) {
        return new PresenceFrames.Occupancy(view.subscribers(channel), view.count(channel));
    }

    /** Sends the member list to the sink now, then every change; returns how to stop. */
    public Runnable watchPresence(ChannelName channel, PresenceSink sink) {
        String ch = channel.value();
        Buffer sync;
        synchronized (this) {
            presenceWatchers.computeIfAbsent(ch, k -> new ArrayList<>(2)).add(sink);
            sync = PresenceFrames.buffer(PresenceFrames.members("presence_sync", null, ch, members(ch)));
            // Handed over under the lock, so no event can overtake the list it follows.
            sink.presence("presence_sync", sync, false);
        }
        return () -> {
            synchronized (this) {
                List<PresenceSink> list = presenceWatchers.get(ch);
                if (list != null && list.remove(sink) && list.isEmpty()) {
                    presenceWatchers.remove(ch);
                }
            }
        };
    }

    /** Sends the counts now, then whenever they changed, at most once per occupancy interval. */
    public Runnable watchOccupancy(ChannelName channel, PresenceSink sink) {
        String ch = channel.value();
        synchronized (this) {
            PresenceFrames.Occupancy now = occupancy(ch);
            occupancyWatchers.computeIfAbsent(ch, k -> new LinkedHashMap<>()).put(sink, now);
            sink.presence("occupancy", PresenceFrames.buffer(PresenceFrames.occupancy("occupancy", null, ch, now)),
                    false);
        }
        return () -> {
            synchronized (this) {
                Map<PresenceSink, PresenceFrames.Occupancy> m = occupancyWatchers.get(ch);
                if (m != null && m.remove(sink) != null && m.isEmpty()) {
                    occupancyWatchers.remove(ch);
                }
            }
        };
    }

    private void requireReady() {
        if (!ready) {
            throw new ChorusException(ErrorCode.TOPIC_MISSING, "the presence topic " + config.topic()
                    + " is not available (yet)");
        }
    }

    private void run() {
        long nextRenew = 0;
        long nextOccupancy = 0;
        long nextSweep = 0;
        long renewMs = Math.max(1, config.lease().toMillis() / 3);
        long waitMs = 0;
        while (running) {
            try {
                if (!ready && !assign()) {
                    waitBeforeRetry();
                    continue;
                }
                org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> records;
                try {
                    // Local changes wake the poll; otherwise it waits until something is due.
                    records = consumer.poll(Duration.ofMillis(waitMs));
                } catch (WakeupException e) {
                    // A local change (or close()): write it now rather than after the poll.
                    records = org.apache.kafka.clients.consumer.ConsumerRecords.empty();
                }
                long now = clock.millis();
                List<Runnable> tell = new ArrayList<>();
                List<LocalPresence.Write> writes = List.of();
                // Parsed before taking the lock, which connections' event loops take on every subscribe.
                List<Timed> shares = decode(records);
                synchronized (this) {
                    for (Timed t : shares) {
                        changes(view.apply(t.share(), t.timestamp(), now), tell);
                    }
                    if (now >= Math.max(view.nextDue(), nextSweep)) {
                        nextSweep = now + MIN_SWEEP_GAP_MS;
                        changes(view.sweep(now), tell);
                    }
                    if (now >= nextRenew) {
                        nextRenew = now + renewMs;
                        local.renewAll();
                    }
                    writes = local.flush(now, config.flushInterval().toMillis());
                    if (now >= nextOccupancy) {
                        nextOccupancy = now + config.occupancyInterval().toMillis();
                        occupancyTick(tell);
                    }
                    waitMs = waitMs(now, nextSweep, nextRenew, nextOccupancy);
                }
                tell.forEach(Runnable::run);
                writes.forEach(this::write);
            } catch (RuntimeException e) {
                LOG.warn("presence reader: {}", e.toString());
                waitBeforeRetry();
            }
        }
        try {
            consumer.close(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.debug("closing the presence consumer: {}", e.toString());
        }
    }

    /** How long the reader may wait from {@code now} before something is due (see {@link #IDLE_WAIT_MS}). */
    private long waitMs(long now, long nextSweep, long nextRenew, long nextOccupancy) {
        long due = Math.min(now + IDLE_WAIT_MS, Math.max(view.nextDue(), nextSweep));
        if (local.channels() > 0) {
            due = Math.min(due, nextRenew);
        }
        if (local.pending()) {
            due = Math.min(due, now + config.flushInterval().toMillis());
        }
        if (!occupancyWatchers.isEmpty()) {
            due = Math.min(due, nextOccupancy);
        }
        return Math.max(1, due - now);
    }

    /** Reads the whole presence topic from one lease ago, which holds every live pod's latest shares. */
    private boolean assign() {
        TopicInfo topic;
        try {
            topic = catalog.topic(config.topic()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            String why = e.toString();
            if (!why.equals(lastProblem)) {
                LOG.warn("presence topic {} not available (presence requests answer topic_missing): {}",
                        config.topic(), why);
                lastProblem = why;
            }
            return false;
        }
        List<TopicPartition> parts = new ArrayList<>();
        Map<TopicPartition, Long> since = new HashMap<>();
        long from = clock.millis() - config.lease().toMillis();
        for (int p = 0; p < topic.partitions(); p++) {
            TopicPartition tp = new TopicPartition(topic.name(), p);
            parts.add(tp);
            since.put(tp, from);
        }
        consumer.assign(parts);
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(since);
        List<TopicPartition> toEnd = new ArrayList<>();
        for (TopicPartition tp : parts) {
            OffsetAndTimestamp o = found.get(tp);
            if (o == null) {
                toEnd.add(tp);
            } else {
                consumer.seek(tp, o.offset());
            }
        }
        consumer.seekToEnd(toEnd);
        ready = true;
        LOG.info("presence: pod {} reads {} ({} partitions)", pod, topic.name(), topic.partitions());
        return true;
    }

    /** A share and the time its record was written. */
    private record Timed(ShareRecord share, long timestamp) {
    }

    /** The valid shares among the records; the others are counted and skipped. */
    private List<Timed> decode(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        List<Timed> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            try {
                out.add(new Timed(ShareRecord.decode(rec.value(), config.maxMembers()), rec.timestamp()));
                recordsOk.increment();
            } catch (RuntimeException e) {
                recordsBad.increment();
                LOG.debug("skipped presence record at {}-{}@{}: {}", rec.topic(), rec.partition(), rec.offset(),
                        e.getMessage());
            }
        }
        return out;
    }

    private void changes(List<PresenceView.Change> changes, List<Runnable> tell) {
        for (PresenceView.Change c : changes) {
            List<PresenceSink> sinks = presenceWatchers.get(c.channel());
            if (c instanceof PresenceView.Change.Event e) {
                metrics.presenceEvent(e.action());
            }
            if (sinks == null) {
                continue;
            }
            Buffer frame = c instanceof PresenceView.Change.Event e
                    ? PresenceFrames.buffer(PresenceFrames.event(e.channel(), e.action(), e.member(), e.digest()))
                    : PresenceFrames.buffer(PresenceFrames.members("presence_sync", null, c.channel(),
                            members(c.channel())));
            String type = c instanceof PresenceView.Change.Event ? "presence_event" : "presence_sync";
            for (PresenceSink s : List.copyOf(sinks)) {
                tell.add(() -> s.presence(type, frame, true));
            }
        }
    }

    private void occupancyTick(List<Runnable> tell) {
        for (Map.Entry<String, Map<PresenceSink, PresenceFrames.Occupancy>> e : occupancyWatchers.entrySet()) {
            PresenceFrames.Occupancy now = occupancy(e.getKey());
            Buffer frame = null;
            for (Map.Entry<PresenceSink, PresenceFrames.Occupancy> w : e.getValue().entrySet()) {
                if (!now.equals(w.getValue())) {
                    w.setValue(now);
                    if (frame == null) {
                        frame = PresenceFrames.buffer(PresenceFrames.occupancy("occupancy", null, e.getKey(), now));
                    }
                    Buffer f = frame;
                    PresenceSink s = w.getKey();
                    tell.add(() -> s.presence("occupancy", f, true));
                }
            }
        }
    }

    private void write(LocalPresence.Write w) {
        ShareRecord r = w.record();
        try {
            producer.send(new ProducerRecord<>(config.topic(), null, clock.millis(),
                    r.channel().getBytes(StandardCharsets.UTF_8), r.encode()), (md, err) -> {
                        for (CompletableFuture<Void> f : w.waiting()) {
                            if (err == null) {
                                f.complete(null);
                            } else {
                                f.completeExceptionally(err);
                            }
                        }
                    });
        } catch (RuntimeException e) {
            w.waiting().forEach(f -> f.completeExceptionally(e));
        }
    }

    private void waitBeforeRetry() {
        synchronized (thread) {
            try {
                if (running) {
                    thread.wait(1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    private synchronized <T> T locked(java.util.function.Supplier<T> s) {
        return s.get();
    }

    /** Stops reading and writes the pod's shares as empty: other pods apply the grace period. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        synchronized (thread) {
            thread.notifyAll();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<LocalPresence.Write> last;
        synchronized (this) {
            last = ready ? local.farewell() : List.of();
        }
        last.forEach(this::write);
        try {
            producer.close(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.debug("closing the presence producer: {}", e.toString());
        }
    }
}
