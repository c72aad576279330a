package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.gateway.config.ConfigException;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientsTest {

    @TempDir
    Path dir;

    private GatewayConfig config(String file) {
        return ConfigLoader.load(false, null, Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "CHORUS_KAFKA_CLIENT_PROPERTIES_FILE", file));
    }

    @Test
    void operatorPropertiesReachEveryClientButNeverOverrideTheGatewaysOwnSettings() throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                isolation.level=read_uncommitted
                bootstrap.servers=elsewhere:9092
                """);
        KafkaClients clients = new KafkaClients(config(file.toString()));

        Map<String, Object> settings = clients.settings(Map.of("isolation.level", "read_committed",
                "bootstrap.servers", "kafka:9092"));

        assertEquals("SASL_SSL", settings.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", settings.get("sasl.mechanism"));
        assertEquals("read_committed", settings.get("isolation.level"));
        assertEquals("kafka:9092", settings.get("bootstrap.servers"));
    }

    @Test
    void aMissingPropertiesFileStopsStartUpNamingTheKey() {
        String missing = dir.resolve("absent.properties").toString();
        ConfigException e = assertThrows(ConfigException.class, () -> new KafkaClients(config(missing)));
        assertTrue(e.getMessage().contains("kafka.clientPropertiesFile"), e.getMessage());
    }

    @Test
    void noFileMeansOnlyTheGatewaysSettings() {
        KafkaClients clients = new KafkaClients(config(""));
        assertEquals(Map.of("acks", "all"), clients.settings(Map.of("acks", "all")));
    }
}
