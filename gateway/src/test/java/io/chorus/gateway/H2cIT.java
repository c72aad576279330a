package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.Tools;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@code http.h2c} (gateway/README.md, "HTTP/2"). Java's HTTP client asks for an h2c upgrade on every
 * new {@code http://} connection and, after one, sometimes loses an answer longer than one HTTP/2 frame
 * (about one GET in ten of a 17.8 KB answer here). A pod with h2c off, the default, answers it over
 * HTTP/1.1, so every such answer arrives whole; with h2c on, HTTP/2 by prior knowledge works
 * (checked with nghttp2's client).
 */
class H2cIT {

    /** More than one HTTP/2 frame (16 KiB, the default SETTINGS_MAX_FRAME_SIZE). */
    private static final int LONG = 16_384;
    /** Enough fresh connections that the upgrade's failure (one in ten or so) shows: 0.9^60 is 0.2 %. */
    private static final int TRIES = 60;

    @Test
    void javasDefaultClientGetsEveryLongAnswerWholeOverHttp11() throws Exception {
        ExecutorService callbacks = Executors.newFixedThreadPool(2);
        try (TestGateway gateway = TestGateway.start()) {
            for (int i = 0; i < TRIES; i++) {
                // A fresh client for a fresh connection: each one asks for the upgrade (HTTP_2 is its default).
                HttpClient client = HttpClient.newBuilder().executor(callbacks).build();
                HttpResponse<String> r;
                try {
                    r = client.sendAsync(HttpRequest.newBuilder(gateway.http("/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString()).get(15, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    fail("GET " + i + " of /metrics never completed");
                    return;
                }
                assertEquals(200, r.statusCode());
                assertEquals(HttpClient.Version.HTTP_1_1, r.version(), "the upgrade is declined");
                assertTrue(r.body().length() > LONG, () -> "a long answer: " + r.body().length() + " chars");
                assertTrue(r.body().endsWith("\n"), "the whole exposition");
            }
        } finally {
            callbacks.shutdownNow();
        }
    }

    /**
     * nghttp (nghttp2's client) speaks HTTP/2 only, by prior knowledge on {@code http://}: five answers on
     * fresh connections, then five streams on one connection. Vert.x 5.0.7's own HTTP/2 client was used
     * here until s27: under load it sometimes never completed a request on an open connection (4 of
     * 2,000 GETs with both cores busy), where nghttp2's h2load completed 6,000 of 6,000 against the same
     * server.
     */
    @Test
    void withH2cOnHttp2ByPriorKnowledgeServesLongAnswers() throws Exception {
        Tools.assumeInstalled("nghttp", "nghttp2-client", "the HTTP/2 prior-knowledge test needs it");
        try (TestGateway gateway = TestGateway.start(c -> c.withHttp(c.http().withH2c(true)))) {
            String metrics = gateway.http("/metrics").toString();
            for (int i = 0; i < 5; i++) {
                String body = nghttp(metrics);
                assertTrue(body.length() > LONG, "a long answer: " + body.length() + " chars");
                assertTrue(body.endsWith("\n"), "the whole exposition");
            }
            // Five streams on one connection (distinct URIs: nghttp fetches a repeated one once).
            List<String> uris = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                uris.add(metrics + "?stream=" + i);
            }
            String bodies = nghttp(uris.toArray(new String[0]));
            String first = bodies.substring(0, bodies.indexOf('\n') + 1);
            assertEquals(5, bodies.split(java.util.regex.Pattern.quote(first), -1).length - 1,
                    "five whole expositions, each starting with " + first.strip());
        }
    }

    /** The bodies nghttp fetched, in order; fails unless it exits 0 within 15 s. */
    private static String nghttp(String... uris) throws Exception {
        List<String> command = new ArrayList<>(List.of("nghttp", "--timeout=15"));
        command.addAll(List.of(uris));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("nghttp did not finish: " + command);
        }
        assertEquals(0, p.exitValue(), () -> "nghttp failed: " + command);
        return new String(out.get(15, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }
}
