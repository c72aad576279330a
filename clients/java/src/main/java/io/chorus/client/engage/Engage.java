package io.chorus.client.engage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.client.ChorusClient;
import io.chorus.client.ChorusClientBuilder;
import io.chorus.client.internal.ClientOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The engagement API for backends (ENGAGE.md): create events through the join API, host them
 * ({@link Host}: staff commands with typed replies, snapshots, export), and join them as a participant.
 * One instance serves any number of events; close it when done (it stops its timer thread).
 *
 * <pre>{@code
 * try (Engage engage = Engage.builder(URI.create("ws://127.0.0.1:8080/v1/ws")).build()) {
 *     CreatedEvent event = engage.createEvent("All hands").get(10, SECONDS);
 *     try (Host host = engage.host(event.code(), event.hostToken()).get(10, SECONDS)) {
 *         host.create(ActivityDefinition.choice("q1", "Pizza or sushi?",
 *                 List.of(Option.of("pizza", "Pizza"), Option.of("sushi", "Sushi")))).get(10, SECONDS);
 *         host.openActivity("q1").get(10, SECONDS);
 *     }
 * }
 * }</pre>
 */
public final class Engage implements AutoCloseable {

    private static final ObjectMapper CLAIMS = new ObjectMapper();

    private final Builder options;
    private final ScheduledExecutorService timer;
    private final boolean ownTimer;
    private final Rest rest;
    private final JoinApi api;

    private Engage(Builder b) {
        this.options = b;
        this.ownTimer = b.timer == null;
        this.timer = ownTimer ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chorus-engage-timer");
            t.setDaemon(true);
            return t;
        }) : b.timer;
        HttpClient http = b.httpClient != null ? b.httpClient : ClientOptions.defaultHttpClient();
        this.rest = new Rest(http, b.mapper, b.requestTimeout, b.maxResponseBytes);
        this.api = new JoinApi(rest, b.mapper, b.apiUri != null ? b.apiUri : GatewayTransport.restBase(b.gatewayUri),
                b.adminKey);
    }

    /** {@code gatewayUri}: the gateway's WebSocket endpoint, {@code ws(s)://host:port/v1/ws}. */
    public static Builder builder(URI gatewayUri) {
        return new Builder(gatewayUri);
    }

    /** {@code POST /engage/events}: a new event, its host token and join link. */
    public CompletableFuture<CreatedEvent> createEvent(String title) {
        return api.create(title);
    }

    /**
     * {@code POST /engage/join}: a participant token for {@code code} ({@code previousToken}, nullable,
     * keeps the same participant id on a rejoin).
     */
    public CompletableFuture<JoinedEvent> join(String code, String name, String previousToken) {
        return api.join(code, name, previousToken);
    }

    /**
     * Connects to the gateway as the host of {@code code} with its host token and listens for replies
     * on {@code engage-me:CODE:<host id>}. Completes once commands can be sent; fails with
     * {@code token_invalid} for a token that is not a JWT with a {@code sub}, or when the gateway
     * refuses the connection or the reply channel.
     */
    public CompletableFuture<Host> host(String code, String hostToken) {
        String normalized = code == null ? null : code.strip().toUpperCase(Locale.ROOT);
        if (!JoinApi.validCode(normalized)) {
            return CompletableFuture.failedFuture(new EngageException(EngageErrorCode.INVALID_REQUEST,
                    "an event code is 6 characters of ABCDEFGHJKLMNPQRSTUVWXYZ23456789, was " + Checks.quote(code)));
        }
        String hostId;
        try {
            hostId = subject(hostToken);
        } catch (EngageException e) {
            return CompletableFuture.failedFuture(e);
        }
        ChorusClientBuilder cb = ChorusClient.builder(options.gatewayUri).token(hostToken).objectMapper(options.mapper);
        if (options.httpClient != null) {
            cb.httpClient(options.httpClient);
        }
        options.clientOptions.accept(cb);
        ChorusClient client = cb.build();
        GatewayTransport transport = new GatewayTransport(client, rest, GatewayTransport.restBase(options.gatewayUri),
                hostToken);
        Host host = new Host(normalized, hostId, hostToken, transport, api, limits(), this::schedule, options.maxFeeds);
        CompletableFuture<Host> ready = client.connect().thenCombine(host.started(), (a, b) -> host);
        ready.orTimeout(options.requestTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((h, e) -> {
            if (e != null) {
                host.close();
            }
        });
        return ready.handle((h, e) -> {
            if (e == null) {
                return h;
            }
            Throwable cause = Commands.unwrap(e);
            if (cause instanceof EngageException ee) {
                throw ee;
            }
            throw new EngageException(EngageErrorCode.NETWORK_ERROR, "could not connect to the gateway as host of "
                    + normalized + ": " + cause, null, 0, null, cause);
        });
    }

    /** Stops the timer thread this instance started (not one passed to the builder). Hosts close on their own. */
    @Override
    public void close() {
        if (ownTimer) {
            timer.shutdownNow();
        }
    }

    Commands.Limits limits() {
        return new Commands.Limits(options.commandTimeout, options.maxPendingCommands, options.maxRecentReplies,
                options.maxCommandBytes, options.replyLookback);
    }

    private Runnable schedule(Duration delay, Runnable task) {
        var f = timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    /** The token's {@code sub}, unverified (the gateway verifies it): the host's reply channel is named after it. */
    static String subject(String token) {
        String[] parts = token == null ? new String[0] : token.split("\\.");
        if (parts.length == 3) {
            try {
                JsonNode claims = CLAIMS.readTree(new String(Base64.getUrlDecoder().decode(parts[1]),
                        StandardCharsets.UTF_8));
                if (claims != null && claims.path("sub").isTextual() && !claims.get("sub").asText().isEmpty()) {
                    return claims.get("sub").asText();
                }
            } catch (IllegalArgumentException | java.io.IOException e) {
                // fall through: not a JWT
            }
        }
        throw new EngageException(EngageErrorCode.TOKEN_INVALID, "the host token is not a JWT with a sub");
    }

    /** Options; each has a default. */
    public static final class Builder {
        private final URI gatewayUri;
        private URI apiUri;
        private String adminKey;
        private HttpClient httpClient;
        private ObjectMapper mapper = new ObjectMapper();
        private ScheduledExecutorService timer;
        private Duration commandTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxPendingCommands = 1000;
        private int maxRecentReplies = 1000;
        private int maxCommandBytes = 4096;
        private int replyLookback = 100;
        private int maxFeeds = 201;
        private int maxResponseBytes = 1 << 20;
        private Consumer<ChorusClientBuilder> clientOptions = b -> { };

        private Builder(URI gatewayUri) {
            Objects.requireNonNull(gatewayUri, "gatewayUri");
            if (!"ws".equalsIgnoreCase(gatewayUri.getScheme()) && !"wss".equalsIgnoreCase(gatewayUri.getScheme())) {
                throw new IllegalArgumentException("the gateway URI must be ws:// or wss://, was " + gatewayUri);
            }
            this.gatewayUri = gatewayUri;
        }

        /** The join API's base URL (ingest's HTTP port). Default: the gateway's origin, as in {@code ./chorus dev}. */
        public Builder api(URI base) {
            String s = Objects.requireNonNull(base, "base").toString();
            this.apiUri = URI.create(s.endsWith("/") ? s : s + "/");
            return this;
        }

        /** {@code engage.adminKey}, needed to create events outside dev mode. */
        public Builder adminKey(String key) {
            this.adminKey = key;
            return this;
        }

        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        public Builder objectMapper(ObjectMapper m) {
            this.mapper = Objects.requireNonNull(m, "mapper");
            return this;
        }

        /** Runs command timeouts; not shut down by {@link Engage#close()}. Default: a daemon thread of its own. */
        public Builder timer(ScheduledExecutorService scheduler) {
            this.timer = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** How long a command waits for ingest's reply before failing with {@code timeout}. Default 10 s. */
        public Builder commandTimeout(Duration d) {
            this.commandTimeout = positive(d, "commandTimeout");
            return this;
        }

        /** Limit for a REST answer's headers and for connecting a host. Default 10 s. */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive(d, "requestTimeout");
            return this;
        }

        /** Commands waiting for replies per host beyond which a send fails with {@code busy}. Default 1000. */
        public Builder maxPendingCommands(int n) {
            this.maxPendingCommands = atLeast(n, 1, "maxPendingCommands");
            return this;
        }

        /** Replies remembered per host, so a retry of an answered command settles at once. Default 1000. */
        public Builder maxRecentReplies(int n) {
            this.maxRecentReplies = atLeast(n, 1, "maxRecentReplies");
            return this;
        }

        /** ENGAGE.md's command size limit ({@code engage.limits.commandBytes}). Default 4096. */
        public Builder maxCommandBytes(int n) {
            this.maxCommandBytes = atLeast(n, 64, "maxCommandBytes");
            return this;
        }

        /** Recent replies read from history for a retried command the gateway had kept. Default 100 (max 1000). */
        public Builder replyLookback(int n) {
            this.replyLookback = Math.min(atLeast(n, 1, "replyLookback"), 1000);
            return this;
        }

        /** Snapshot feeds open per host. Default 201: the event and ENGAGE.md's 200 activities. */
        public Builder maxFeeds(int n) {
            this.maxFeeds = atLeast(n, 1, "maxFeeds");
            return this;
        }

        /** Largest JSON answer read from the join API or history. Default 1 MiB. */
        public Builder maxResponseBytes(int n) {
            this.maxResponseBytes = atLeast(n, 1024, "maxResponseBytes");
            return this;
        }

        /** Adjusts the hosts' {@link ChorusClient}s (backoff, timers, limits); the token is set by {@link Engage#host}. */
        public Builder clientOptions(Consumer<ChorusClientBuilder> customizer) {
            this.clientOptions = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /** The options are copied: changing this builder later changes nothing in the instance. */
        public Engage build() {
            Builder copy = new Builder(gatewayUri);
            copy.apiUri = apiUri;
            copy.adminKey = adminKey;
            copy.httpClient = httpClient;
            copy.mapper = mapper;
            copy.timer = timer;
            copy.commandTimeout = commandTimeout;
            copy.requestTimeout = requestTimeout;
            copy.maxPendingCommands = maxPendingCommands;
            copy.maxRecentReplies = maxRecentReplies;
            copy.maxCommandBytes = maxCommandBytes;
            copy.replyLookback = replyLookback;
            copy.maxFeeds = maxFeeds;
            copy.maxResponseBytes = maxResponseBytes;
            copy.clientOptions = clientOptions;
            return new Engage(copy);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }

        private static int atLeast(int v, int min, String what) {
            if (v < min) {
                throw new IllegalArgumentException(what + " must be >= " + min + ", was " + v);
            }
            return v;
        }
    }
}
