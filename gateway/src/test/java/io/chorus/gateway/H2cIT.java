package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.chorus.gateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@code http.h2c} (gateway/README.md, "HTTP/2"). Java's HTTP client asks for an h2c upgrade on every
 * new {@code http://} connection and, after one, sometimes loses an answer longer than one HTTP/2 frame
 * (about one GET in ten of a 17.8 KB answer here). A pod with h2c off, the default, answers it over
 * HTTP/1.1, so every such answer arrives whole; with h2c on, HTTP/2 by prior knowledge works.
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

    @Test
    void withH2cOnHttp2ByPriorKnowledgeServesLongAnswers() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (TestGateway gateway = TestGateway.start(c -> c.withHttp(c.http().withH2c(true)))) {
            HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
                    .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            for (int i = 0; i < 5; i++) {
                int index = i;
                HttpVersion[] version = new HttpVersion[1];
                Buffer body = client.request(HttpMethod.GET, gateway.http("/").getPort(), "127.0.0.1", "/metrics")
                        .compose(req -> req.send())
                        .compose(resp -> {
                            assertEquals(200, resp.statusCode(), () -> "GET " + index);
                            version[0] = resp.version();
                            return resp.body();
                        })
                        .toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
                assertEquals(HttpVersion.HTTP_2, version[0]);
                assertTrue(body.length() > LONG, () -> "a long answer: " + body.length() + " bytes");
                assertTrue(body.toString().endsWith("\n"), "the whole exposition");
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        }
    }
}
