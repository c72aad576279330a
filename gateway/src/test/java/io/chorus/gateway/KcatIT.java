package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.WsProbe;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's tour: a record produced with kcat (librdkafka, not the Java client) reaches a
 * subscriber. librdkafka's default partitioner is CRC32-based; {@code partitioner=murmur2_random}
 * makes it agree with Kafka's Java default, which channels rely on.
 */
class KcatIT {

    static boolean kcatInstalled() {
        return Files.isExecutable(Path.of("/usr/bin/kcat"));
    }

    @Test
    void aRecordProducedWithKcatArrivesWithItsHeaders() throws Exception {
        // CI installs kcat (.ci/run); on a developer machine without it, this test is skipped.
        assumeTrue(kcatInstalled() || System.getenv("CI") != null, "kcat is not installed");
        String ns = TestGateway.freshNamespace();
        String ch = ns + ":room1";
        try (TestGateway gateway = TestGateway.start(); WsProbe p = WsProbe.connect(gateway.wsUri())) {
            p.send("{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + ch + "\"}");
            p.expect("subscribed");
            Process kcat = new ProcessBuilder("kcat", "-P", "-b", TestKafka.bootstrapServers(), "-t", "chorus." + ns,
                    "-X", "partitioner=murmur2_random", "-K", "|", "-H", "chorus-name=chat", "-H", "chorus-id=k-1").redirectErrorStream(true).start();
            try (OutputStream in = kcat.getOutputStream()) {
                in.write((ch + "|{\"text\":\"hello from kcat\"}\n").getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(true, kcat.waitFor(30, TimeUnit.SECONDS), "kcat finished");
            assertEquals(0, kcat.exitValue(), () -> new String(readAll(kcat), StandardCharsets.UTF_8));
            JsonNode m = p.expect("message");
            assertEquals("hello from kcat", m.get("data").get("text").asText());
            assertEquals("chat", m.get("name").asText());
            assertEquals("k-1", m.get("id").asText());
            p.assertNoMoreFrames();
        }
    }

    private static byte[] readAll(Process p) {
        try {
            return p.getInputStream().readAllBytes();
        } catch (java.io.IOException e) {
            return new byte[0];
        }
    }
}
