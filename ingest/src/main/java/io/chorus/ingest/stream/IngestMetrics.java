package io.chorus.ingest.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;

/**
 * The runtime's counters. Labels come from closed sets (registered command types, error codes,
 * dead-letter reasons), so a client cannot grow the registry: an unknown type counts as {@code other}.
 */
public final class IngestMetrics {

    private final MeterRegistry registry;
    private final Set<String> knownTypes;

    public IngestMetrics(MeterRegistry registry, Set<String> knownTypes) {
        this.registry = registry;
        this.knownTypes = Set.copyOf(knownTypes);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A command applied ({@code ok}), refused, or failed in its handler ({@code error}). */
    void command(String type, String outcome) {
        Counter.builder("chorus.ingest.commands").description("Commands by type and outcome")
                .tag("type", knownTypes.contains(type) ? type : "other").tag("outcome", outcome)
                .register(registry).increment();
    }

    /**
     * A command read, by the way it took to its event's task: {@code local} (it was already on the
     * partition of the event's state) or {@code repartitioned} (through the "by-event" topic).
     */
    void commandPath(boolean local) {
        Counter.builder("chorus.ingest.command.paths").description("Commands by the way they took to their event's task")
                .tag("path", local ? "local" : "repartitioned").register(registry).increment();
    }

    void refusal(String code) {
        Counter.builder("chorus.ingest.refusals").description("Refused commands by error code")
                .tag("code", code).register(registry).increment();
    }

    void duplicate() {
        Counter.builder("chorus.ingest.duplicates").description("Commands whose id was already applied")
                .register(registry).increment();
    }

    void deadLetter(DeadReason reason) {
        Counter.builder("chorus.ingest.dead.letters").description("Records copied to the dead-letter topic")
                .tag("reason", reason.code()).register(registry).increment();
    }

    void snapshot() {
        Counter.builder("chorus.ingest.snapshots").description("Conflated snapshots written")
                .register(registry).increment();
    }

    void message() {
        Counter.builder("chorus.ingest.messages").description("Replies and messages written at once")
                .register(registry).increment();
    }

    void renderError() {
        Counter.builder("chorus.ingest.render.errors").description("Snapshots a renderer failed to render")
                .register(registry).increment();
    }

    void forgotten(long n) {
        Counter.builder("chorus.ingest.state.forgotten").description("State keys of old rounds deleted")
                .register(registry).increment(n);
    }

    /** A commit the task did not ask for because it was behind (it comes at {@code kafka.commit.intervalBehind}). */
    void commitDeferred() {
        Counter.builder("chorus.ingest.commits.deferred")
                .description("Commits not asked for because the task had more unread commands than kafka.commit.behindRecords")
                .register(registry).increment();
    }

    /**
     * A task's timer ({@code publish}, {@code purge} or {@code commit}) stopped because the task had
     * nothing for it to do; the next command starts it again.
     */
    void timerStopped(String timer) {
        Counter.builder("chorus.ingest.timers.stopped")
                .description("Punctuation timers stopped because their task had nothing to do")
                .tag("timer", timer).register(registry).increment();
    }

    void purged(long n) {
        Counter.builder("chorus.ingest.dedup.purged").description("Command ids forgotten after the window")
                .register(registry).increment(n);
    }
}
