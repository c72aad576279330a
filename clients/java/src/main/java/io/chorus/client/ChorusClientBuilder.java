package io.chorus.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.client.internal.AuthOptions;
import io.chorus.client.internal.ClientOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/** Options of a {@link ChorusClient}; every one has a default. Obtain with {@link ChorusClient#builder}. */
public final class ChorusClientBuilder {

    private final URI uri;
    private Duration backoffInitial = Backoff.DEFAULT_INITIAL;
    private Duration backoffMax = Backoff.DEFAULT_MAX;
    // Self-seeded on purpose: a fixed default seed would give every client of a fleet the same
    // "random" delays and bring back the reconnect stampede jitter exists to prevent.
    private Random random = new Random();
    private Duration heartbeatMargin = Duration.ofSeconds(5);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private int publishRetryLimit = 5;
    private int maxPublishesInFlight = 1000;
    private int maxBufferedMessages = 10_000;
    private ScheduledExecutorService scheduler;
    private Clock clock = Clock.systemUTC();
    private ObjectMapper mapper;
    private HttpClient httpClient;
    private AuthOptions auth = AuthOptions.NONE;

    ChorusClientBuilder(URI uri) {
        Objects.requireNonNull(uri, "uri");
        if (!"ws".equalsIgnoreCase(uri.getScheme()) && !"wss".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("the gateway URI must be ws:// or wss://, was " + uri);
        }
        this.uri = uri;
    }

    /** Reconnect and retry delays: full jitter over [0, min(max, initial * 2^attempt)]. Default 250 ms, 10 s. */
    public ChorusClientBuilder backoff(Duration initial, Duration max) {
        new Backoff(initial, max, random); // validates
        this.backoffInitial = initial;
        this.backoffMax = max;
        return this;
    }

    /** The source of jitter; pass a seeded one in tests. Default: self-seeded. */
    public ChorusClientBuilder random(Random random) {
        this.random = Objects.requireNonNull(random, "random");
        return this;
    }

    /** How long past the server's heartbeatMs a silent connection is still trusted. Default 5 s. */
    public ChorusClientBuilder heartbeatMargin(Duration margin) {
        this.heartbeatMargin = positive(margin, "heartbeatMargin");
        return this;
    }

    /** Limit for the handshake plus the wait for the {@code connected} frame. Default 10 s. */
    public ChorusClientBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = positive(timeout, "connectTimeout");
        return this;
    }

    /** How often a publish refused with a retryable error is tried again. Default 5; 0 disables. */
    public ChorusClientBuilder publishRetryLimit(int limit) {
        this.publishRetryLimit = atLeast(limit, 0, "publishRetryLimit");
        return this;
    }

    /** Publishes waiting for their ack beyond which publish fails fast with {@code busy}. Default 1000. */
    public ChorusClientBuilder maxPublishesInFlight(int max) {
        this.maxPublishesInFlight = atLeast(max, 1, "maxPublishesInFlight");
        return this;
    }

    /** Undelivered callbacks beyond which the client stops reading the socket. Default 10000. */
    public ChorusClientBuilder maxBufferedMessages(int max) {
        this.maxBufferedMessages = atLeast(max, 1, "maxBufferedMessages");
        return this;
    }

    /**
     * Time for backoff, heartbeats and retries. The client only calls {@code schedule(Runnable, long,
     * TimeUnit)} and {@code cancel}, and does not shut the scheduler down. Default: its own thread and
     * the system clock.
     */
    public ChorusClientBuilder timer(ScheduledExecutorService scheduler, Clock clock) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Serializes publish data and parses frames. Default: a plain {@code new ObjectMapper()}. */
    public ChorusClientBuilder objectMapper(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        return this;
    }

    /**
     * For TLS settings, proxies and the like. Default: a client of the JDK's defaults that speaks HTTP/1.1
     * (the JDK's h2c upgrade loses long answers: gateway/README.md, "HTTP/2"). Token URLs
     * use this client itself. The WebSocket (the client's own, not the JDK's) takes its SSLContext,
     * SSLParameters (protocols, cipher suites; host names are always verified), proxy selector (HTTP
     * proxies through CONNECT, SOCKS) and cookie handler; its authenticator, executor and connect
     * timeout do not apply to the WebSocket, whose limit is {@link #connectTimeout}.
     */
    public ChorusClientBuilder httpClient(HttpClient client) {
        this.httpClient = Objects.requireNonNull(client, "client");
        return this;
    }

    /**
     * A fixed token, sent as {@code Authorization: Bearer} on every connect. It cannot be renewed: when
     * the server closes with 4004 {@code token_expired}, the client fails ({@code FAILED}). Prefer
     * {@link #authCallback} or {@link #authUrl} for tokens that expire. Replaces either of those.
     */
    public ChorusClientBuilder token(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("token is empty");
        }
        this.auth = new AuthOptions(token, null, null);
        return this;
    }

    /**
     * Fetches a fresh token before every connect, and when a refresh is due (the server's
     * {@code auth_expiring}, or ahead of the expiry it reported): the new token replaces the old one in
     * band, with no reconnect. Runs on the delivery thread, so it must not block: return a stage that
     * completes later. A failed, empty or late (past the connect timeout) stage is retried with
     * backoff. Replaces {@link #token} and {@link #authUrl}.
     */
    public ChorusClientBuilder authCallback(Supplier<CompletionStage<String>> callback) {
        this.auth = new AuthOptions(null, Objects.requireNonNull(callback, "callback"), null);
        return this;
    }

    /**
     * Like {@link #authCallback}, with the token from a GET of {@code url} (through the client's
     * HttpClient, so cookies and TLS settings apply): a 2xx body that is the token as plain text, or
     * JSON {@code {"token":"..."}}. Replaces {@link #token} and {@link #authCallback}.
     */
    public ChorusClientBuilder authUrl(URI url) {
        Objects.requireNonNull(url, "url");
        if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException("the auth URL must be http:// or https://, was " + url);
        }
        this.auth = new AuthOptions(null, null, url);
        return this;
    }

    public ChorusClient build() {
        return new ChorusClient(new ClientOptions(uri, backoffInitial, backoffMax, random, heartbeatMargin,
                connectTimeout, publishRetryLimit, maxPublishesInFlight, maxBufferedMessages, scheduler, clock,
                mapper != null ? mapper : new ObjectMapper(), httpClient, auth));
    }

    private static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d;
    }

    private static int atLeast(int value, int min, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be >= " + min + ", was " + value);
        }
        return value;
    }
}
