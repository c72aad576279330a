package io.chorus.ingest.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.config.CommitConfig;
import io.chorus.ingest.config.EngageConfig;
import io.chorus.ingest.config.TopicsConfig;
import io.chorus.ingest.engage.Channels;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.Dispatcher;
import io.chorus.ingest.engage.EngageError;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Refusal;
import io.chorus.ingest.engage.Registry;
import io.chorus.ingest.engage.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the commands of the events its task owns, once each, and publishes their snapshots. Per
 * command: a duplicate id gets its first reply again; otherwise the {@link Dispatcher} runs the rules
 * over a {@link StagedKv}, and only when it succeeds do its writes and effects reach the store and the
 * output. The sender always gets a reply. A handler bug is a dead letter and an {@code invalid_command}
 * reply; nothing here throws, so one command can never stop the task or make it loop.
 */
final class EngageProcessor implements Processor<byte[], byte[], byte[], Routed> {

    private static final Logger LOG = LoggerFactory.getLogger(EngageProcessor.class);
    /**
     * Command ids one purge pass forgets at most (and at most a quarter of {@code dedupMaxEntries}, but
     * at least 10): twice as many store deletes. A pass that forgot as many as it may goes on at the next
     * publish interval, so a backlog (a window's worth expiring, or the bound reached at thousands of
     * commands a second) goes in slices instead of one long pause every {@code purgeInterval}
     * (bench/BENCHMARKS.md, s24: 500 to 750 ms pauses with one pass, none with slices of 1,000).
     */
    static final int PURGE_SLICE = 1_000;
    private final int purgeSlice;
    /** Old-round keys deleted per publish interval: a large round goes over several transactions. */
    static final int FORGET_PER_RUN = 5_000;

    private final EngageConfig config;
    private final CommitPacer pacer;
    private final TopicsConfig topics;
    private final Registry registry;
    private final Dispatcher dispatcher;
    private final IngestMetrics metrics;
    private final ObjectMapper json;
    private ProcessorContext<byte[], Routed> context;
    private KeyValueStore<String, byte[]> store;
    private Outputs outputs;
    private Dedup dedup;
    private Snapshots snapshots;
    private Forgetting forgetting;
    /** The last purge pass forgot a whole slice: ids past the window or the bound may remain. */
    private boolean purging;
    /** The publish pass's timer; null while there is nothing to publish (publishPass). */
    private Cancellable publishing;
    /** The purge pass's timer; null while no command came since the last purge. */
    private Cancellable purgeTimer;
    private boolean processedSincePurge;

    EngageProcessor(EngageConfig config, CommitConfig commit, Backlogs backlogs, TopicsConfig topics,
                    Registry registry, IngestMetrics metrics, ObjectMapper json) {
        this.config = config;
        this.pacer = new CommitPacer(commit, backlogs, metrics);
        this.topics = topics;
        this.registry = registry;
        this.dispatcher = new Dispatcher(registry);
        this.metrics = metrics;
        this.json = json;
        this.purgeSlice = purgeSlice(config.dedupMaxEntries());
    }

    static int purgeSlice(long dedupMaxEntries) {
        return (int) Math.max(10, Math.min(PURGE_SLICE, dedupMaxEntries / 4));
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> context) {
        this.context = context;
        this.store = context.getStateStore(EngageTopology.STORE);
        this.outputs = new Outputs(store, json, topics, metrics);
        outputs.init(context);
        this.dedup = new Dedup(store, json, config.dedupWindow().toMillis(), config.dedupMaxEntries());
        this.snapshots = new Snapshots(store, json, registry, outputs, config.limits(), metrics);
        this.forgetting = new Forgetting(store);
        // Both passes run once after a start (marks, forgetting or ids left by the last run), then only
        // while there is something to do: see publishPass.
        startPublishing();
        startPurging();
        this.processedSincePurge = true;
        pacer.init(context);
    }

    private void startPublishing() {
        publishing = context.schedule(config.publishInterval(), PunctuationType.WALL_CLOCK_TIME, this::publishPass);
    }

    private void startPurging() {
        purgeTimer = context.schedule(config.purgeInterval(), PunctuationType.WALL_CLOCK_TIME, this::purgePass);
    }

    /**
     * Every publish interval while there is work: dirty snapshots, forgetting, a purge going on in
     * slices. A pass that finds none stops the timer, and the next command starts it again. Streams
     * marks a task as needing a commit after every punctuation, even one that did nothing, so an idle
     * task whose timer ran on would commit (a transaction: a marker on every partition it wrote and a
     * {@code __transaction_state} record) every {@code commit.interval.ms}, forever.
     */
    private void publishPass(long now) {
        if (!purging && !snapshots.changed() && forgetting.idle()) {
            publishing.cancel();
            publishing = null;
            metrics.timerStopped("publish");
            return;
        }
        publishNow(now);
    }

    private void publishNow(long now) {
        if (purging) {
            purge();
        }
        int written = snapshots.publish(now);
        metrics.forgotten(forgetting.run(FORGET_PER_RUN));
        if (written > 0) {
            // Snapshots are visible to read_committed readers once their transaction commits: ask for
            // that commit now rather than at the next commit interval (unless the task is behind).
            pacer.askIfKeepingUp(now);
        }
    }

    /**
     * A command arrived: the passes run again. The first command after a quiet publish interval is
     * published at once (a host's action, a lone vote); the commands after it wait for the pass, so a
     * channel still gets at most one snapshot per interval (the one before came at least one empty pass
     * earlier).
     */
    private void wake() {
        processedSincePurge = true;
        if (purgeTimer == null) {
            startPurging();
        }
        if (publishing == null) {
            publishNow(context.currentSystemTimeMs());
            startPublishing();
        }
    }

    /** Every purge interval after a command; ids expire in record time, so with no command there is none. */
    private void purgePass(long now) {
        if (!processedSincePurge) {
            purgeTimer.cancel();
            purgeTimer = null;
            metrics.timerStopped("purge");
            return;
        }
        processedSincePurge = false;
        purge();
        if (purging && publishing == null) {
            // The rest goes in slices on the publish interval.
            startPublishing();
        }
    }

    private void purge() {
        long purged = dedup.purge(context.currentStreamTimeMs(), purgeSlice);
        metrics.purged(purged);
        purging = purged >= purgeSlice;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        pacer.touched();
        handle(record);
        wake();
    }

    private void handle(Record<byte[], byte[]> record) {
        String event = new String(record.key(), StandardCharsets.UTF_8);
        String participant = Envelope.text(record.headers(), Envelope.CLIENT);
        String id = Envelope.text(record.headers(), Envelope.ID);
        Role role = Role.valueOf(Envelope.text(record.headers(), Envelope.ROLE).toUpperCase(Locale.ROOT));
        String me = Channels.me(event, participant);
        long at = record.timestamp();
        Dedup.Outcome first = dedup.seen(event, participant, id);
        if (first != null) {
            metrics.duplicate();
            reply(me, id, first, at);
            return;
        }
        String refused = Envelope.text(record.headers(), Envelope.REFUSE);
        Dedup.Outcome outcome;
        if (refused != null) {
            EngageError error = EngageError.valueOf(refused.toUpperCase(Locale.ROOT));
            metrics.refusal(error.code());
            outcome = new Dedup.Outcome(at, false, error.code(), error == EngageError.TOO_LARGE
                    ? "the command is larger than " + config.limits().commandBytes() + " bytes"
                    : "a command is a JSON object with a string 'type'", 0);
            dedup.remember(event, participant, id, outcome);
            reply(me, id, outcome, at);
            return;
        }
        Outbox outbox = new Outbox();
        outcome = apply(record, event, role, participant, id, at, outbox);
        dedup.remember(event, participant, id, outcome);
        reply(me, id, outcome, at);
        if (outcome.ok() && outbox.changed.contains(me)) {
            // The sender's own state, after their reply (flush leaves it unmarked).
            snapshots.publishNow(me, context.currentSystemTimeMs());
        }
    }

    private Dedup.Outcome apply(Record<byte[], byte[]> record, String event, Role role, String participant,
                                String id, long at, Outbox outbox) {
        String type = "other";
        StagedKv kv = new StagedKv(store, json);
        try {
            JsonNode body = json.readTree(record.value());
            type = body.get("type").asText();
            Command command = new Command(event, role, participant, id, at, type, (ObjectNode) body);
            dispatcher.apply(command, new Engagement(kv, outbox, config.limits(), json, at));
            kv.commit();
            flush(event, participant, id, at, outbox);
            metrics.command(type, "ok");
            return new Dedup.Outcome(at, true, null, null, 0);
        } catch (Refusal r) {
            kv.discard();
            metrics.command(type, "refused");
            metrics.refusal(r.error().code());
            return new Dedup.Outcome(at, false, r.error().code(), r.getMessage(), r.retryAfterMs());
        } catch (IOException | RuntimeException e) {
            kv.discard();
            LOG.warn("command {} of {} in event {} could not be applied: copied to {}", id, participant, event,
                    topics.dead(), e);
            metrics.command(type, "error");
            metrics.deadLetter(DeadReason.HANDLER_ERROR);
            context.forward(deadCopy(record, event, role));
            return new Dedup.Outcome(at, false, EngageError.INVALID_COMMAND.code(),
                    "the command could not be applied", 0);
        }
    }

    /** The effects of an applied command, in the order the handler made them. */
    private void flush(String event, String participant, String id, long at, Outbox outbox) {
        for (Outbox.Message m : outbox.messages) {
            outputs.message(m.channel(), m.body(), at);
        }
        String me = Channels.me(event, participant);
        for (String channel : outbox.changed) {
            if (!channel.equals(me)) {
                snapshots.markChanged(channel); // the sender's own is rendered after the reply (handle)
            }
        }
        for (String prefix : outbox.forgotten) {
            if (prefix.startsWith(event + "|")) {
                forgetting.add(prefix);
            } else {
                LOG.warn("not forgotten: {} is not a prefix of event {}", prefix, event);
            }
        }
        for (Outbox.Audit a : outbox.audits) {
            ObjectNode entry = json.createObjectNode();
            entry.put("event", event);
            entry.put("activity", a.activity());
            entry.put("round", a.round());
            entry.put("participant", participant);
            entry.put("id", id);
            entry.put("at", at);
            entry.set("response", a.response());
            outputs.audit(event, entry, at);
        }
    }

    private void reply(String me, String id, Dedup.Outcome outcome, long at) {
        ObjectNode reply = json.createObjectNode();
        reply.put("type", "reply");
        reply.put("id", id);
        reply.put("ok", outcome.ok());
        if (!outcome.ok()) {
            ObjectNode error = reply.putObject("error");
            error.put("code", outcome.code());
            error.put("message", outcome.message());
            if (outcome.retryAfterMs() > 0) {
                error.put("retryAfterMs", outcome.retryAfterMs());
            }
        }
        outputs.message(me, reply, at);
    }

    /** The command as it came, with its original topic, partition and offset (carried in a header). */
    private Record<byte[], Routed> deadCopy(Record<byte[], byte[]> record, String event, Role role) {
        String[] source = String.valueOf(Envelope.text(record.headers(), Envelope.SOURCE)).split("/");
        String channel = role == Role.PARTICIPANT ? "engage-in:" + event
                : "engage-ctl:" + event + ":" + role.name().toLowerCase(Locale.ROOT);
        int partition = -1;
        long offset = -1;
        if (source.length == 3) {
            partition = Integer.parseInt(source[1]);
            offset = Long.parseLong(source[2]);
        }
        return DeadLetters.copy(channel.getBytes(StandardCharsets.UTF_8), record.value(), record.headers(),
                record.timestamp(), DeadReason.HANDLER_ERROR, source.length == 3 ? source[0] : "", partition, offset,
                topics.dead());
    }
}
