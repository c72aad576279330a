package io.chorus.gateway.auth;

import io.chorus.gateway.config.AuthConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys at {@code auth.jwksUrl}: fetched on a thread of its own (verification runs on event loops
 * and only reads {@link #keys()}), every {@code jwksRefresh}, and sooner when a token names a kid we
 * do not know, which is how a rotation reaches us. Those extra fetches are limited to one per
 * {@code jwksMinRefreshInterval} and at most one is in flight, so made-up kids cannot hammer the
 * identity provider. A failed fetch keeps the last good keys.
 */
final class JwksSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JwksSource.class);
    /** Identity providers' key sets are a few KB. */
    static final int MAX_RESPONSE_BYTES = 512 * 1024;

    private final URI uri;
    private final AuthConfig config;
    private final Clock clock;
    private final Consumer<String> results;
    private final ScheduledExecutorService thread;
    private final HttpClient http;
    private volatile KeySet keys = KeySet.EMPTY;
    /** Guards inFlight and lastFetchMs; never held while doing I/O. */
    private final Object lock = new Object();
    private CompletableFuture<Void> inFlight;
    private long lastFetchMs;
    private boolean fetchedOnce;

    /** @param results told "ok" or "error" after each fetch (the metric) */
    JwksSource(AuthConfig config, Clock clock, Consumer<String> results) {
        this.uri = URI.create(config.jwksUrl());
        this.config = config;
        this.clock = clock;
        this.results = results;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chorus-jwks");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().executor(thread).connectTimeout(config.jwksTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        long every = config.jwksRefresh().toMillis();
        thread.scheduleWithFixedDelay(() -> fetch(false), 0, every, TimeUnit.MILLISECONDS);
    }

    KeySet keys() {
        return keys;
    }

    /**
     * Fetches again for a token with an unknown kid, unless a fetch is in flight (the result is that
     * fetch's) or one started less than {@code jwksMinRefreshInterval} ago (completes at once). The
     * result completes normally whether or not the fetch succeeded: callers look at {@link #keys()}.
     */
    CompletableFuture<Void> refresh() {
        return fetch(true);
    }

    private CompletableFuture<Void> fetch(boolean limited) {
        CompletableFuture<Void> started = new CompletableFuture<>();
        synchronized (lock) {
            if (inFlight != null) {
                return inFlight;
            }
            long now = clock.millis();
            if (limited && fetchedOnce && now - lastFetchMs < config.jwksMinRefreshInterval().toMillis()) {
                return CompletableFuture.completedFuture(null);
            }
            fetchedOnce = true;
            lastFetchMs = now;
            inFlight = started;
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.jwksTimeout())
                .header("accept", "application/json").GET().build();
        CompletableFuture<HttpResponse<byte[]>> call;
        try {
            call = http.sendAsync(request, info -> new LimitedBody(MAX_RESPONSE_BYTES));
        } catch (RuntimeException e) { // the client is closed, or the request refused outright
            call = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<HttpResponse<byte[]>> exchange = call;
        // The request timeout covers the headers only; a body that stalls is cut off here. The client
        // completes on the JDK's common pool (a new thread per task on a 2-core machine): come back to ours.
        CompletableFuture<HttpResponse<byte[]>> bounded = exchange.copy()
                .orTimeout(config.jwksTimeout().toMillis(), TimeUnit.MILLISECONDS);
        bounded.whenCompleteAsync((response, err) -> {
            if (err instanceof TimeoutException) {
                exchange.cancel(true);
            }
            apply(response, err);
            synchronized (lock) {
                inFlight = null;
            }
            started.complete(null);
        }, thread);
        return started;
    }

    private void apply(HttpResponse<byte[]> response, Throwable err) {
        String problem;
        if (err != null) {
            problem = (err instanceof CompletionException && err.getCause() != null ? err.getCause() : err).toString();
        } else if (response.statusCode() != 200) {
            problem = "HTTP status " + response.statusCode();
        } else {
            try {
                KeySet next = KeySet.jwks(new String(response.body(), StandardCharsets.UTF_8), false);
                if (next.size() == 0) {
                    problem = "no RSA or EC P-256 signing key in it";
                } else {
                    if (next.size() != keys.size()) {
                        LOG.info("JWKS from {}: {} signing keys", uri, next.size());
                    }
                    keys = next;
                    results.accept("ok");
                    return;
                }
            } catch (Exception e) {
                problem = "not a usable JWKS: " + e.getMessage();
            }
        }
        results.accept("error");
        LOG.warn("JWKS fetch from {} failed ({}); keeping the {} keys from the last good fetch", uri, problem,
                keys.size());
    }

    /** Stops fetching; a fetch in flight may still finish. */
    @Override
    public void close() {
        thread.shutdownNow();
    }

    Duration timeout() {
        return config.jwksTimeout();
    }
}
