package io.chorus.gateway;

import io.chorus.gateway.config.GatewayConfig;
import java.util.HashMap;
import java.util.Map;
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

/** The Kafka client settings the gateway relies on, in one place. */
final class KafkaClients {

    private final GatewayConfig config;
    private final String pod = UUID.randomUUID().toString().substring(0, 8);

    KafkaClients(GatewayConfig config) {
        this.config = config;
    }

    Admin admin() {
        int timeout = (int) config.kafka().requestTimeout().toMillis();
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "chorus-admin-" + pod,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout));
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
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100,
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) config.kafka().requestTimeout().toMillis(),
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.kafka().requestTimeout().toMillis()));
        props.putAll(overrides);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Idempotent, acks=all; gives up within the publish timeout so a client is never left waiting. */
    Producer<byte[], byte[]> producer(String role) {
        int timeout = (int) config.publish().timeout().toMillis();
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG, "chorus-" + role + "-" + pod,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, timeout / 2),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout + 10,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout),
                new ByteArraySerializer(), new ByteArraySerializer());
    }
}
