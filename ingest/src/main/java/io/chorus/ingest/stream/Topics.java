package io.chorus.ingest.stream;

import io.chorus.ingest.config.IngestConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command topics as they are: there, and how many partitions (for the local path of
 * {@link EngageTopology}); and in dev ({@code kafka.createTopics}) the command and output topics that are
 * missing, created.
 */
public final class Topics {

    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    /** How often a just created topic the broker does not describe yet is asked for again. */
    private static final long UNKNOWN_TOPIC_RETRY_MS = 50;

    private Topics() {
    }

    /**
     * {@code localPartitions} of {@link EngageTopology#build}: the partition count of the participant
     * command topic when no other command topic has more (then "by-event" has as many), else 0. Also 0,
     * with a warning, when the broker does not answer: every command then takes "by-event", and Streams
     * waits for the broker. A command topic the broker says does not exist fails start-up, naming it
     * (Streams cannot assign a missing source topic; with {@code kafka.createTopics} they were created
     * just before). Output topics are not checked: a broker with {@code auto.create.topics.enable}
     * creates them on the first write.
     */
    public static int localPartitions(IngestConfig config) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.kafka().bootstrapServers()))) {
            Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(List.of(config.topics().in(),
                    config.topics().ctl())).topicNameValues();
            Map<String, Integer> partitions = new HashMap<>();
            List<String> missing = new ArrayList<>();
            for (Map.Entry<String, KafkaFuture<TopicDescription>> d : described.entrySet()) {
                try {
                    partitions.put(d.getKey(), d.getValue().get(30, TimeUnit.SECONDS).partitions().size());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                    missing.add(d.getKey());
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("missing command topics " + missing + " at "
                        + config.kafka().bootstrapServers()
                        + ": create them (ingest/README.md, \"Topics\"), or set kafka.createTopics=true in dev");
            }
            int in = partitions.get(config.topics().in());
            int ctl = partitions.get(config.topics().ctl());
            if (in < ctl) {
                LOG.warn("{} has {} partitions and {} {}: every command takes the repartition topic",
                        config.topics().in(), in, config.topics().ctl(), ctl);
                return 0;
            }
            LOG.info("{} has {} partitions: its commands on their event's partition skip the repartition topic",
                    config.topics().in(), in);
            return in;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topics", e);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("cannot describe the command topics ({}): every command takes the repartition topic",
                    e.getCause() == null ? e.toString() : e.getCause().toString());
            return 0;
        }
    }

    /**
     * Returns once every partition of these just created topics takes writes. A broker answers a topic's
     * creation a moment before its partitions do, and a producer with several requests in flight can
     * lose its first in that moment (KAFKA-15591; gateway/README.md, "Known limits"). Offsets are
     * answered only by a leader that serves the partition, and the admin client retries the others; a
     * topic the broker does not describe yet fails the whole call, which is then asked again.
     */
    public static void awaitServed(Admin admin, List<NewTopic> created)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (created.isEmpty()) {
            return; // a restart: nothing was created, nothing to ask
        }
        Map<TopicPartition, OffsetSpec> all = new HashMap<>();
        for (NewTopic t : created) {
            for (int p = 0; p < t.numPartitions(); p++) {
                all.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.listOffsets(all).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(UNKNOWN_TOPIC_RETRY_MS);
            }
        }
    }

    public static void createMissing(IngestConfig config) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.kafka().bootstrapServers()))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : config.topics().all()) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, config.kafka().partitions(), config.kafka().replicationFactor()));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topics " + missing + ": " + e.getCause(), e);
                }
            }
            awaitServed(admin, missing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list topics at " + config.kafka().bootstrapServers() + ": " + e, e);
        }
    }
}
