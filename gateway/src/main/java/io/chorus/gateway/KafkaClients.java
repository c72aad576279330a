package io.chorus.gateway;

import io.chorus.gateway.config.ConfigException;
import io.chorus.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka client settings the gateway relies on, in one place. The operator's
 * {@code kafka.clientPropertiesFile} (security settings) comes first; the settings below win over it,
 * because delivery and resume depend on them (read_committed, no offset reset, idempotent acks=all).
 */
final class KafkaClients {

    private final GatewayConfig config;
    private final Map<String, Object> operator;
    private final String pod = UUID.randomUUID().toString().substring(0, 8);

    KafkaClients(GatewayConfig config) {
        this.config = config;
        this.operator = readProperties(config.kafka().clientPropertiesFile());
    }

    /** The operator's properties file, read once at start-up; a missing or unreadable file stops start-up. */
    static Map<String, Object> readProperties(String file) {
        if (file.isEmpty()) {
            return Map.of();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(file))) {
            p.load(in);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot read kafka.clientPropertiesFile " + file + ": " + e.getMessage());
        }
        Map<String, Object> out = new HashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return Map.copyOf(out);
    }

    /** The operator's properties overlaid with the gateway's own. */
    Map<String, Object> settings(Map<String, Object> own) {
        Map<String, Object> all = new HashMap<>(operator);
        all.putAll(own);
        return all;
    }

    Admin admin() {
        int timeout = (int) config.kafka().requestTimeout().toMillis();
        return Admin.create(settings(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "chorus-admin-" + pod,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout)));
    }

    /**
     * How long the broker may hold a fetch of the live and presence readers when nothing is new. The
     * broker answers as soon as a record arrives (fetch.min.bytes is 1), so this bounds only what an
     * idle pod costs: one empty fetch round trip per partition leader per this long, in the gateway
     * and in the broker (at 100 ms, ten per reader per second were most of an idle pod's CPU and a
     * third of the broker's). The price: a partition newly assigned to the live reader starts being
     * fetched when the fetch in flight returns, so at most this long later. Readers of the past
     * override it to 0 (CatchupReader).
     */
    static final int IDLE_FETCH_WAIT_MS = 500;

    /**
     * The presence reader's fetch wait. It is assigned once, when it starts, so no partition waits for
     * the fetch in flight to return; only its own empty round trips do (records end a fetch at once).
     */
    static final int PRESENCE_FETCH_WAIT_MS = 5_000;

    /** The presence reader's consumer: as {@link #consumer(String)}, with the longer empty-fetch wait. */
    Consumer<byte[], byte[]> presenceConsumer() {
        // The broker holds the fetch this long and the client waits request.timeout.ms: stay well under it.
        int wait = (int) Math.min(PRESENCE_FETCH_WAIT_MS, config.kafka().requestTimeout().toMillis() / 2);
        return consumer("presence", Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Math.max(IDLE_FETCH_WAIT_MS, wait)));
    }

    /** Assigned (no group), committed data only, never resets silently: offsets are the clients' serials. */
    Consumer<byte[], byte[]> consumer(String role) {
        return consumer(role, Map.of());
    }

    /** As {@link #consumer(String)}, with a reader's own {@code overrides} (the catch-up readers' fetch wait). */
    Consumer<byte[], byte[]> consumer(String role, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers(),
                ConsumerConfig.CLIENT_ID_CONFIG, "chorus-" + role + "-" + pod,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, IDLE_FETCH_WAIT_MS,
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) config.kafka().requestTimeout().toMillis(),
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.kafka().requestTimeout().toMillis()));
        props.putAll(overrides);
        return new KafkaConsumer<>(settings(props), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Idempotent, acks=all; gives up within the publish timeout so a client is never left waiting. */
    Producer<byte[], byte[]> producer(String role) {
        int timeout = (int) config.publish().timeout().toMillis();
        return new KafkaProducer<>(settings(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG, "chorus-" + role + "-" + pod,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, timeout / 2),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout + 10,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout)),
                new ByteArraySerializer(), new ByteArraySerializer());
    }
}
