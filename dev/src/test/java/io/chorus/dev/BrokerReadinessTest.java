package io.chorus.dev;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.kafka.embedded.EmbeddedKafka;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerReadinessTest {

    @Test
    void aBrokerThatSaysWritableAcceptsATopicAtOnce(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir, 0, 0)) {
            assertTrue(BrokerReadiness.awaitWritable(broker.bootstrapServers(), Duration.ofSeconds(60)));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("written-at-once", 1, (short) 1))).all().get();
            }
        }
    }

    @Test
    void noBrokerIsNeverWritable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertFalse(BrokerReadiness.awaitWritable("127.0.0.1:" + port, Duration.ofSeconds(2)));
    }
}
