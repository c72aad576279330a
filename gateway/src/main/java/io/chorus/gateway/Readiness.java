package io.chorus.gateway;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether Kafka answers: a cluster description within a timeout, checked on demand and cached for a
 * second so that frequent probes do not load the broker. Runs on Kafka's threads, never an event loop.
 */
public final class Readiness {

    private final Admin admin;
    private final Duration timeout;
    private volatile long checkedAt;
    private volatile String problem = "not checked yet";

    private volatile boolean draining;

    public Readiness(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** From now on the pod reports itself not ready, so load balancers stop sending it clients. */
    public void draining() {
        draining = true;
    }

    /** Null when ready, else why not. Blocking: call from a worker thread. */
    public String check() {
        if (draining) {
            return "draining";
        }
        long now = System.nanoTime();
        if (now - checkedAt < TimeUnit.SECONDS.toNanos(1) && checkedAt != 0) {
            return problem;
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .clusterId().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            problem = null;
        } catch (Exception e) {
            problem = "Kafka unreachable: " + e.getClass().getSimpleName();
        }
        checkedAt = System.nanoTime();
        return problem;
    }
}
