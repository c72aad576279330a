package io.chorus.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.ingest.config.ConfigLoader;
import io.chorus.ingest.config.IngestConfig;
import io.chorus.ingest.config.TopicsConfig;
import io.chorus.ingest.engage.Registry;
import io.chorus.ingest.stream.Topics;
import io.chorus.kafka.embedded.TestKafka;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * Topics that are not there, against the real broker. Before: with {@code kafka.createTopics} off and no
 * command topics, ingest replaced its stream thread about six times a second on a core, reporting itself
 * live. Now it refuses to start, naming the command topics; and a command topic deleted under a running ingest
 * stops its Streams client once (liveness fails) instead of looping.
 */
class MissingTopicsTest {

    private static IngestConfig config(boolean create) throws Exception {
        String run = "missing-" + System.nanoTime();
        IngestConfig base = ConfigLoader.defaults(TestKafka.bootstrapServers());
        TopicsConfig t = new TopicsConfig(run + ".in", run + ".ctl", run + ".engage", run + ".chat", run + ".mod",
                run + ".me", run + ".audit", run + ".dead");
        return new IngestConfig(base.kafka().withApplicationId(run)
                .withStateDir(Files.createTempDirectory("ingest-missing").toString()).withCreateTopics(create),
                t, base.engage());
    }

    @Test
    void withoutItsTopicsIngestDoesNotStartAndNamesThem() throws Exception {
        IngestConfig config = config(false);
        Topics.createMissing(config(true)); // someone else's topics exist; these do not
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Ingest.start(config, Registry.standard(config.engage(), new SimpleMeterRegistry())));
        for (String topic : List.of(config.topics().in(), config.topics().ctl())) {
            assertTrue(e.getMessage().contains(topic), e.getMessage());
        }
    }

    @Test
    void aCommandTopicDeletedUnderARunningIngestStopsItOnce() throws Exception {
        IngestConfig config = config(true);
        Ingest ingest = Ingest.start(config, Registry.standard(config.engage(), new SimpleMeterRegistry()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers()))) {
            await(ingest, Ingest.State.READY, "ingest never got its partitions");
            admin.deleteTopics(List.of(config.topics().in())).all().get();
            await(ingest, Ingest.State.FAILED, "ingest did not stop after its command topic was deleted");
            assertEquals(1.0, failures(ingest, "missing_topic", "stop"));
            assertEquals(0.0, failures(ingest, "other", "replace"), "a thread was replaced on a missing topic");
        } finally {
            ingest.close();
        }
    }

    /** Waits for ingest's state, with a deadline; each turn parks briefly so the wait does not take a core. */
    private static void await(Ingest ingest, Ingest.State state, String failure) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (ingest.state() != state) {
            assertTrue(System.nanoTime() < deadline, failure + " (state " + ingest.state() + ")");
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    private static double failures(Ingest ingest, String cause, String response) {
        Counter c = ingest.metrics().find("chorus.ingest.stream.thread.failures").tag("cause", cause)
                .tag("response", response).counter();
        return c == null ? 0 : c.count();
    }
}
