package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keyed publishes' id look-ups and reads of the past (history, resumes) run on readers of their own:
 * no thread and no queue in common, so a resume storm cannot hold up a publish nor the reverse.
 */
class CatchupLanesIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static double recordsRead(TestGateway gateway, String reader) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(gateway.http("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^chorus_catchup_records_read_total\\{[^}]*reader=\"" + reader
                + "\"[^}]*\\} (\\S+)$").matcher(body);
        assertTrue(m.find(), "no records-read counter for reader " + reader);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void keyedPublishLookUpsAndHistoryReadsRunOnReadersOfTheirOwn() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            String ns = TestGateway.freshNamespace();
            String ch = ns + ":lanes";
            try (Backend backend = new Backend(ns, ch)) {
                backend.send(1);
            }
            HttpRequest post = HttpRequest.newBuilder(gateway.http("/v1/channels/" + ch + "/messages"))
                    .header("content-type", "application/json").header("Idempotency-Key", "lane-1")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"data\":{\"n\":2}}")).build();
            HttpResponse<String> ack = HTTP.send(post, HttpResponse.BodyHandlers.ofString());
            assertEquals(201, ack.statusCode(), ack::body);
            // The look-up read the backend's record in the dedup window, on the look-up reader only.
            double lookups = recordsRead(gateway, "lookup");
            assertTrue(lookups >= 1, "records read by the look-up reader: " + lookups);
            assertEquals(0.0, recordsRead(gateway, "catchup"));

            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(
                    gateway.http("/v1/channels/" + ch + "/messages")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode(), page::body);
            assertTrue(recordsRead(gateway, "catchup") >= 2, "history is read by the catch-up reader");
            assertEquals(lookups, recordsRead(gateway, "lookup"));
        }
    }
}
