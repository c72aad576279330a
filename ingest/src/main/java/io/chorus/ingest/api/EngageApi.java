package io.chorus.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.schema.RecordConvention;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The join API (ENGAGE.md): {@code POST /engage/events}, {@code POST /engage/join} and
 * {@code GET /engage/events/CODE/export}, mountable on any Vert.x router ({@link #mount}; the dev
 * launcher uses the gateway's, {@link IngestApi} its own). Handlers run on the event loop and never
 * block: Kafka sends run on one worker thread with a bounded queue, exports on their own workers.
 */
public final class EngageApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngageApi.class);
    static final int MAX_TITLE = 120;
    static final int MAX_NAME = 40;
    private static final int CREATE_QUEUE = 64;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(35);

    private final ApiConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Tokens tokens;
    private final EventCodes codes = new EventCodes();
    private final EventRegistry registry;
    private final KafkaProducer<String, byte[]> producer;
    private final ThreadPoolExecutor sends;
    private final ExportRoute export;
    private final Counter newParticipants;
    private final Counter sameParticipants;

    private EngageApi(ApiConfig config, MeterRegistry metrics, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.tokens = new Tokens(config.hmacSecret());
        this.registry = new EventRegistry(config, metrics);
        this.producer = new KafkaProducer<>(config.kafka(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.CLIENT_ID_CONFIG, "chorus-engage-api")),
                new StringSerializer(), new ByteArraySerializer());
        this.sends = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(CREATE_QUEUE),
                r -> {
                    Thread t = new Thread(r, "engage-api-create");
                    t.setDaemon(true);
                    return t;
                });
        this.export = new ExportRoute(config, tokens, registry, metrics, clock);
        this.newParticipants = Counter.builder("chorus_engage_api_joins_total").tag("participant", "new")
                .description("tokens issued by /engage/join").register(metrics);
        this.sameParticipants = Counter.builder("chorus_engage_api_joins_total").tag("participant", "same")
                .description("tokens issued by /engage/join").register(metrics);
    }

    /**
     * Checks the config, creates the topics when configured (dev), and reads every known event code
     * before returning, so a join right after a restart finds its event.
     */
    public static EngageApi start(ApiConfig config, MeterRegistry metrics, Clock clock) {
        if (!config.problems().isEmpty()) {
            throw new IllegalArgumentException("invalid join API configuration: " + String.join("; ",
                    config.problems()));
        }
        if (config.topics().create()) {
            ApiTopics.ensure(config);
        }
        EngageApi api = new EngageApi(config, metrics, clock);
        try {
            api.registry.start(config.loadTimeout());
            // Fetch the topics' metadata now so that a send on the create thread does not wait for it.
            api.producer.partitionsFor(config.topics().control());
            api.producer.partitionsFor(config.topics().events());
            return api;
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
    }

    /** Adds the API's routes to {@code router} (call once per router, e.g. once per verticle). */
    public void mount(Router router) {
        if (!config.corsOrigins().isEmpty()) {
            CorsHandler cors = CorsHandler.create().allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST,
                    HttpMethod.OPTIONS)).allowedHeaders(Set.of("content-type", "authorization")).maxAgeSeconds(600);
            if (!config.corsOrigins().contains("*")) {
                cors.addOrigins(config.corsOrigins());
            }
            router.route("/engage/*").handler(cors);
        }
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
        router.post("/engage/events").handler(body).handler(ctx -> guarded(ctx, "create", this::create))
                .failureHandler(ctx -> failed(ctx, "create"));
        router.post("/engage/join").handler(body).handler(ctx -> guarded(ctx, "join", this::join))
                .failureHandler(ctx -> failed(ctx, "join"));
        router.get("/engage/events/:code/export").handler(ctx -> guarded(ctx, "export", export::handle))
                .failureHandler(ctx -> failed(ctx, "export"));
    }

    private void guarded(RoutingContext ctx, String route, java.util.function.Consumer<RoutingContext> handler) {
        try {
            handler.accept(ctx);
        } catch (ApiError.ApiException e) {
            refuse(ctx, route, e.error(), e.getMessage());
        }
    }

    /** The router's failures on our routes: a body over engage.maxBodyBytes, or a bug. */
    private void failed(RoutingContext ctx, String route) {
        if (ctx.statusCode() == 413) {
            refuse(ctx, route, ApiError.INVALID_REQUEST, "the body is larger than " + config.maxBodyBytes() + " bytes");
        } else if (ctx.statusCode() == 400) {
            refuse(ctx, route, ApiError.INVALID_REQUEST, "bad request");
        } else {
            LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            refuse(ctx, route, ApiError.INTERNAL, "unexpected server error");
        }
    }

    void refuse(RoutingContext ctx, String route, ApiError error, String message) {
        count(route, error.code());
        Answers.error(ctx, error, message);
    }

    void count(String route, String result) {
        metrics.counter("chorus_engage_api_requests_total", "route", route, "result", result).increment();
    }

    private void create(RoutingContext ctx) {
        if (!config.dev()) {
            String key = Requests.bearer(ctx, false);
            if (key == null || !MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8),
                    config.adminKey().getBytes(StandardCharsets.UTF_8))) {
                throw ApiError.TOKEN_INVALID.with("creating an event needs Authorization: Bearer <engage.adminKey>");
            }
        }
        String title = Requests.text(Requests.object(ctx), "title", MAX_TITLE);
        String code = codes.fresh(registry::contains);
        if (code == null) {
            throw ApiError.BUSY.with("no free event code was found; retry");
        }
        String host = tokens.newId("h-");
        Instant now = clock.instant();
        EventInfo event = new EventInfo(code, title, now.toEpochMilli());
        Context context = ctx.vertx().getOrCreateContext();
        try {
            sends.execute(() -> {
                ApiError failure = record(event);
                context.runOnContext(v -> {
                    if (failure != null) {
                        refuse(ctx, "create", failure, "the event could not be recorded in Kafka; retry");
                        return;
                    }
                    Tokens.Issued t = tokens.host(code, host, config.hostTokenTtl(), now);
                    count("create", "ok");
                    ObjectNode answer = Answers.JSON.createObjectNode().put("code", code).put("title", title)
                            .put("hostToken", t.token()).put("host", host).put("expiresAt", t.expiresAtMs())
                            .put("joinUrl", joinUrl(code));
                    Answers.json(ctx, 201, answer);
                });
            });
        } catch (RejectedExecutionException e) {
            throw ApiError.BUSY.with("too many events being created at once; retry");
        }
    }

    /**
     * Writes the {@code event.create} command for ingest and the event for every API instance's
     * registry, then registers it here; on the create thread. Null when both were acknowledged.
     */
    private ApiError record(EventInfo event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(RecordConvention.HEADER_CLIENT, "system".getBytes(StandardCharsets.UTF_8));
        headers.add(RecordConvention.HEADER_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        ObjectNode command = Answers.JSON.createObjectNode().put("type", "event.create").put("title", event.title());
        ObjectNode value = Answers.JSON.createObjectNode().put("code", event.code()).put("title", event.title())
                .put("createdAt", event.createdAt());
        try {
            Future<RecordMetadata> ctl = producer.send(new ProducerRecord<>(config.topics().control(), null,
                    "engage-ctl:" + event.code() + ":host", bytes(command), headers));
            Future<RecordMetadata> evt = producer.send(new ProducerRecord<>(config.topics().events(), event.code(),
                    bytes(value)));
            long until = System.nanoTime() + SEND_TIMEOUT.toNanos();
            ctl.get(until - System.nanoTime(), TimeUnit.NANOSECONDS);
            evt.get(until - System.nanoTime(), TimeUnit.NANOSECONDS);
            registry.put(event);
            metrics.counter("chorus_engage_api_new_events_total").increment();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ApiError.KAFKA_UNAVAILABLE;
        } catch (Exception e) {
            LOG.warn("creating event {}: {}", event.code(), e.toString());
            return ApiError.KAFKA_UNAVAILABLE;
        }
    }

    private void join(RoutingContext ctx) {
        JsonNode body = Requests.object(ctx);
        String code = EventCodes.normalize(Requests.optional(body, "code", 32));
        if (code == null) {
            throw ApiError.INVALID_REQUEST.with("code must be " + EventCodes.LENGTH + " characters of "
                    + EventCodes.ALPHABET);
        }
        String name = Requests.text(body, "name", MAX_NAME);
        String previous = Requests.optional(body, "token", Tokens.MAX_TOKEN_BYTES);
        EventInfo event = registry.get(code);
        if (event == null) {
            throw ApiError.UNKNOWN_EVENT.with("no event has the code " + code);
        }
        Instant now = clock.instant();
        String participant = rejoining(previous, code, now);
        (participant != null ? sameParticipants : newParticipants).increment();
        if (participant == null) {
            participant = tokens.newId("p-");
        }
        Tokens.Issued t = tokens.participant(code, participant, name, config.tokenTtl(), now);
        count("join", "ok");
        ObjectNode answer = Answers.JSON.createObjectNode().put("token", t.token()).put("participant", participant)
                .put("expiresAt", t.expiresAtMs());
        answer.putObject("event").put("code", code).put("title", event.title());
        Answers.json(ctx, 200, answer);
    }

    /**
     * The participant id of a previous token to keep: a participant token of this event that this
     * API signed and that expired at most {@code engage.rejoinWindow} ago. Anything else (none, forged,
     * another event, a host token, too old) gets a new id: the token is optional, so it never fails a join.
     */
    private String rejoining(String previous, String code, Instant now) {
        JsonNode claims = tokens.verifiedClaims(previous);
        if (claims == null || !code.equals(claims.path("engage").path("event").asText(null))
                || !"participant".equals(claims.path("engage").path("role").asText(null))
                || !claims.path("sub").isTextual()) {
            return null;
        }
        Long exp = Tokens.expiresAtMs(claims);
        return exp != null && exp >= now.toEpochMilli() - config.rejoinWindow().toMillis()
                ? claims.get("sub").textValue() : null;
    }

    private String joinUrl(String code) {
        String base = config.demoUrl();
        return (base.contains("#") ? base.substring(0, base.indexOf('#')) : base) + "#/join/" + code;
    }

    private static byte[] bytes(ObjectNode n) {
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        export.close();
        sends.shutdownNow();
        producer.close(Duration.ofSeconds(5));
        registry.close();
    }
}
