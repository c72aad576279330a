package io.chorus.ingest;

import io.chorus.ingest.stream.Backlogs;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * Streams' clients, except that the main consumer leaves its group when it closes. Streams configures
 * its consumers to stay in the group on close ({@code internal.leave.group.on.close=false}), and in
 * Kafka 4.1 neither {@code KafkaStreams.CloseOptions.leaveGroup} (static members only) nor the consumer's
 * {@code CloseOptions.LEAVE_GROUP} (ignored while that setting is false) overrides it for a dynamic
 * member (KIP-1092, KAFKA-16514). So after a clean stop the group waited for the member's session to
 * time out before it gave the stopped instance's partitions to anyone: an ingest restarted or upgraded
 * in place applied nothing for 45 s (TopologyUpgradeTest saw it). With the setting on, the consumer's
 * close sends LeaveGroup and the group rebalances at once. TopologyUpgradeTest checks that the member
 * is gone after {@link Ingest#close()}, so a Kafka upgrade that drops the setting shows up there.
 * <p>
 * The main consumers are also known to {@link Backlogs} while they are open, so a task can tell how far
 * behind it is and pace its commits.
 */
final class LeavingClients implements KafkaClientSupplier {

    private final Backlogs backlogs;

    LeavingClients(Backlogs backlogs) {
        this.backlogs = backlogs;
    }

    /** The consumer's own name for it (ConsumerConfig.LEAVE_GROUP_ON_CLOSE_CONFIG, not public). */
    static final String LEAVE_GROUP_ON_CLOSE = "internal.leave.group.on.close";

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        Map<String, Object> leaving = new HashMap<>(config);
        leaving.put(LEAVE_GROUP_ON_CLOSE, true);
        return new MainConsumer(leaving, String.valueOf(config.get(ConsumerConfig.CLIENT_ID_CONFIG)), backlogs);
    }

    /** A main consumer that {@link Backlogs} knows from its creation to its close. */
    private static final class MainConsumer extends KafkaConsumer<byte[], byte[]> {

        private final String clientId;
        private final Backlogs backlogs;

        MainConsumer(Map<String, Object> config, String clientId, Backlogs backlogs) {
            super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.clientId = clientId;
            this.backlogs = backlogs;
            backlogs.opened(clientId, this);
        }

        @Override
        public void close() {
            backlogs.closed(clientId, this);
            super.close();
        }

        @Override
        @SuppressWarnings("deprecation")
        public void close(Duration timeout) {
            backlogs.closed(clientId, this);
            super.close(timeout);
        }

        @Override
        public void close(CloseOptions options) {
            backlogs.closed(clientId, this);
            super.close(options);
        }
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
