package io.chorus.gateway.health;

import io.chorus.gateway.metrics.GatewayMetrics;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches whether Kafka answers: a cluster description every {@code interval} on its own thread.
 * {@link #check()} reads the last result without blocking (readiness probes). When Kafka stops or
 * starts answering, the listener hears a {@code stream} notice frame for every client: "stalled"
 * (messages are not flowing; publishes are refused with kafka_unavailable) or "live" (flowing again;
 * live delivery continues from where it stopped). "stalled" is a standing notice: it also concerns
 * every client that connects before the next transition, which a transition alone would never tell.
 */
public final class Readiness implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);
    public static final Buffer STALLED = Buffer.buffer("{\"type\":\"stream\",\"state\":\"stalled\",\"reason\":\"kafka_unavailable\"}");
    public static final Buffer LIVE = Buffer.buffer("{\"type\":\"stream\",\"state\":\"live\"}");

    /** Where transitions go: the notice for every client, and whether it stands for later ones too. */
    @FunctionalInterface
    public interface Notices {
        void broadcast(Buffer notice, boolean standing);
    }

    private final Admin admin;
    private final Duration timeout;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chorus-kafka-watch");
        t.setDaemon(true);
        return t;
    });
    private volatile String problem = "not checked yet";
    private volatile boolean draining;
    private Notices notices = (b, standing) -> { };
    private GatewayMetrics metrics;
    private volatile boolean wasUp = true; // read by publishes (kafkaDown) on other threads

    public Readiness(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Starts watching; {@code notices} receives the stream frames on transitions. */
    public void start(Duration interval, Notices notices, GatewayMetrics metrics) {
        this.notices = notices;
        this.metrics = metrics;
        metrics.gauge("chorus_kafka_up", "1 while Kafka answers the gateway's probes", () -> problem == null ? 1 : 0);
        metrics.gauge("chorus_draining", "1 while the pod drains", () -> draining ? 1 : 0);
        thread.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** From now on the pod reports itself not ready, so load balancers stop sending it clients. */
    public void draining() {
        draining = true;
    }

    /**
     * True after a probe failed and until one succeeds: publishes are refused at once with
     * kafka_unavailable (nothing written) instead of waiting out their timeout. Never blocks.
     */
    public boolean kafkaDown() {
        return !wasUp;
    }

    /** Null when ready, else why not. Never blocks. */
    public String check() {
        return draining ? "draining" : problem;
    }

    private void probe() {
        boolean up;
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .clusterId().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            problem = null;
            up = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            problem = "Kafka unreachable: " + e.getClass().getSimpleName();
            up = false;
        }
        if (up != wasUp) {
            wasUp = up;
            LOG.warn(up ? "Kafka answers again; streams are live" : "Kafka does not answer; streams are stalled");
            metrics.registry().counter("chorus_stream_transitions_total", "state", up ? "live" : "stalled").increment();
            notices.broadcast(up ? LIVE : STALLED, !up);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
