package io.chorus.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The gateway's meters. Names are documented in the README; every counter that takes a label takes
 * it from an enumerated set (transport, outcome, reason, error code), never from client input.
 */
public final class GatewayMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** The transports, the only values of the {@code transport} label. */
    private static final List<String> TRANSPORTS = List.of("ws", "sse", "poll", "ably");

    private final Map<String, AtomicLong> connections = new HashMap<>();
    private final Map<String, Counter> messagesOut = new HashMap<>();
    private final Map<String, Counter> bytesOut = new HashMap<>();
    private final AtomicLong subscriptions = new AtomicLong();
    private final Counter recordsIn;
    private final Counter batchedFlushes;
    private final Timer deliveryLatency;
    private final DistributionSummary catchupBatch;

    public GatewayMetrics() {
        for (String t : TRANSPORTS) {
            AtomicLong open = new AtomicLong();
            connections.put(t, open);
            Gauge.builder("chorus_connections", open, AtomicLong::get)
                    .description("open client connections (a long-poll counts while it waits)")
                    .tag("transport", t).register(registry);
            messagesOut.put(t, Counter.builder("chorus_messages_out").tag("transport", t)
                    .description("messages written to clients").register(registry));
            bytesOut.put(t, Counter.builder("chorus_bytes_out").tag("transport", t)
                    .description("bytes of message frames written to clients").register(registry));
        }
        Gauge.builder("chorus_subscriptions", subscriptions, AtomicLong::get)
                .description("active channel subscriptions").register(registry);
        recordsIn = Counter.builder("chorus_records_in").description("records read by the live reader")
                .register(registry);
        deliveryLatency = Timer.builder("chorus_delivery_latency")
                .description("from the record's Kafka timestamp to the end of its live fan-out on one event loop"
                        + " (one sample per message per event loop)")
                .publishPercentiles(0.5, 0.99, 0.999).serviceLevelObjectives(Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(250), Duration.ofSeconds(1))
                // Buckets from 1 ms to 60 s, so dashboards can aggregate p50/p99 over pods with
                // histogram_quantile (the Prometheus registry exports no client-side percentiles here).
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        batchedFlushes = Counter.builder("chorus_batched_flushes")
                .description("sockets flushed at the end of a write batch (WebSocket and SSE); chorus_messages_out"
                        + " over it is about the messages per write system call")
                .register(registry);
        catchupBatch = DistributionSummary.builder("chorus_catchup_batch_messages")
                .description("messages per catch-up batch read from Kafka").register(registry);
        // JVM heap, threads, CPU and uptime for the dashboards. GC metrics are left out: their binder
        // holds JMX listeners until closed, and nothing closes a registry here.
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    public void connectionOpened(String transport) {
        connections.get(transport).incrementAndGet();
    }

    public void connectionClosed(String transport) {
        connections.get(transport).decrementAndGet();
    }

    public void subscriptionsChanged(int delta) {
        subscriptions.addAndGet(delta);
    }

    public void recordsIn(int n) {
        recordsIn.increment(n);
    }

    public void delivered(String transport, int messages, long bytes) {
        messagesOut.get(transport).increment(messages);
        bytesOut.get(transport).increment(bytes);
    }

    /** The flusher of an event loop flushed this many sockets at the end of a batch. */
    public void batchedFlushes(int sockets) {
        batchedFlushes.increment(sockets);
    }

    public void deliveryLatency(long recordTimestampMs, long nowMs) {
        long ms = nowMs - recordTimestampMs;
        if (ms >= 0) {
            deliveryLatency.record(ms, TimeUnit.MILLISECONDS);
        }
    }

    /** reason: no_key, bad_key, unknown_namespace, namespace_mismatch, wrong_partition, repeat. */
    public void recordSkipped(String reason) {
        registry.counter("chorus_records_skipped", "reason", reason).increment();
    }

    /** outcome: live, cache, kafka, rewind, out_of_retention, topic_changed, partitions_changed, position_ahead. */
    public void resume(String outcome) {
        registry.counter("chorus_subscribe_outcomes", "outcome", outcome).increment();
    }

    /** outcome: ok, duplicate, or an error's wire name; route: ws or http. */
    public void publish(String route, String outcome) {
        registry.counter("chorus_publishes", "route", route, "outcome", outcome).increment();
    }

    public void error(String wireName) {
        registry.counter("chorus_errors", "error", wireName).increment();
    }

    public void catchupBatch(int messages) {
        catchupBatch.record(messages);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** A gauge with one label; {@code value} must be one of an enumerated set. */
    public void gauge(String name, String description, String label, String value, Supplier<Number> reading) {
        Gauge.builder(name, reading).description(description).tag(label, value).register(registry);
    }

    /** A connection refused before it opened; error: overloaded or draining. */
    public void refused(String transport, String error) {
        registry.counter("chorus_connections_refused", "transport", transport, "error", error).increment();
    }

    /** A subscriber's buffer was full: it left the live path to catch up at its own pace. */
    public void fellBehind(String transport) {
        registry.counter("chorus_subscribers_behind", "transport", transport).increment();
    }

    /** The server closed a connection; reason: a close reason's wire name. */
    public void closed(String transport, String reason) {
        registry.counter("chorus_server_closes", "transport", transport, "reason", reason).increment();
    }

    /** Messages that a conflating subscriber received in place of older undelivered ones. */
    public void conflated(int messages) {
        registry.counter("chorus_conflated_deliveries").increment(messages);
    }

    public void slowConsumer() {
        registry.counter("chorus_slow_consumer_closes").increment();
    }

    /** A fetch of auth.jwksUrl; result: ok or error (the last good keys stay in use). */
    public void jwksFetch(String result) {
        registry.counter("chorus_jwks_fetches", "result", result).increment();
    }

    public void history(String direction) {
        registry.counter("chorus_history_requests", "direction", direction).increment();
    }

    /** A presence request from a client; action: enter (with update) or leave. */
    public void presence(String action) {
        registry.counter("chorus_presence_requests", "action", action).increment();
    }

    /** A presence change seen across pods; action: enter, update or leave. */
    public void presenceEvent(String action) {
        registry.counter("chorus_presence_events", "action", action).increment();
    }
}
