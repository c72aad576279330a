package io.chorus.ingest.api;

import io.chorus.ingest.stream.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Dev mode (engage.topics.create): creates the topics the API uses when they are missing: the events
 * topic compacted (one record per code, kept forever) with one partition, so every instance reads the
 * events in the order they were created (the registry forgets the oldest first); the command and
 * audit topics plain. In production the operator creates them, with the same settings.
 */
final class ApiTopics {

    private ApiTopics() {
    }

    static void ensure(ApiConfig config) {
        ApiConfig.Topics t = config.topics();
        try (Admin admin = Admin.create(config.kafka(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers())))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            if (!existing.contains(t.events())) {
                missing.add(new NewTopic(t.events(), 1, t.replicationFactor())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            }
            for (String name : List.of(t.control(), t.audit())) {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, t.partitions(), t.replicationFactor()));
                }
            }
            for (var f : admin.createTopics(missing).values().values()) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e; // another instance creating it at the same time is fine, anything else not
                    }
                }
            }
            Topics.awaitServed(admin, missing);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the join API's topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
