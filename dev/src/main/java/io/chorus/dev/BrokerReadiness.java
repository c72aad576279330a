package io.chorus.dev;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Whether a freshly started broker takes writes. Its port accepts connections as soon as it listens,
 * but until the controller has unfenced it, creating a topic fails ("all brokers are currently
 * fenced"). The probe asks exactly that, in validate-only mode, so it creates nothing.
 */
final class BrokerReadiness {

    static final Duration MAX_WAIT = Duration.ofSeconds(120);
    private static final String PROBE = "chorus-dev-ready-probe";
    private static final long RETRY_MS = 200;

    private BrokerReadiness() {
    }

    /** True once a topic of replication factor 1 could be created; false after {@code max}. */
    static boolean awaitWritable(String bootstrap, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5000))) {
            while (System.nanoTime() < deadline) {
                try {
                    admin.createTopics(List.of(new NewTopic(PROBE, 1, (short) 1)),
                            new CreateTopicsOptions().validateOnly(true)).all().get(5, TimeUnit.SECONDS);
                    return true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        return true;
                    }
                } catch (TimeoutException e) {
                    // not answering yet: try again
                }
                Thread.sleep(RETRY_MS);
            }
        }
        return false;
    }
}
