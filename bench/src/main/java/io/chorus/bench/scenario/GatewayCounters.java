package io.chorus.bench.scenario;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gateway's own counters of how resumes were served, read from its {@code /metrics} before and
 * after a storm: subscribe outcomes (cache or Kafka) and the catch-up reader's passes, reads, records
 * read and empty polls (series that a gateway version does not have are simply absent). Only the
 * difference is reported, so counters from the warm-up do not count.
 */
final class GatewayCounters {

    private static final String[] PREFIXES = {"chorus_subscribe_outcomes_total", "chorus_catchup_"};

    private GatewayCounters() {
    }

    /** Every matching series, by its name and labels; empty when the gateway cannot be read. */
    static Map<String, Double> scrape(String host, int port) {
        Map<String, Double> out = new TreeMap<>();
        try {
            // HTTP/1.1: java.net.http's default asks for an h2c upgrade, and after a 10,000-client resume
            // storm such a scrape waited forever (twice in five runs: headers in, the body never; the
            // request timeout covers the headers only). The whole answer is bounded here too.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build();
            java.util.concurrent.CompletableFuture<HttpResponse<String>> answer =
                    http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
            String body;
            try {
                body = answer.get(15, java.util.concurrent.TimeUnit.SECONDS).body();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                answer.cancel(true);
                throw new java.io.IOException("no whole answer in 15 s", e);
            }
            for (String line : body.split("\n")) {
                if (line.startsWith("#") || !matches(line)) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                try {
                    out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                } catch (NumberFormatException e) {
                    // not a sample line
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            Setup.log("could not read the gateway's /metrics: %s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** after - before for counters; gauges (the queue, the thread count) as they are after. */
    static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> d = new TreeMap<>();
        after.forEach((k, v) -> d.put(k, k.contains("_total") ? v - before.getOrDefault(k, 0.0) : v));
        return d;
    }

    private static boolean matches(String line) {
        for (String p : PREFIXES) {
            if (line.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
