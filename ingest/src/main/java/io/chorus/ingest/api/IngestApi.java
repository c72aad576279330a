package io.chorus.ingest.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The join API on a port of its own ({@code engage.http.port}, 8081): what ingest's Main starts in
 * production, where the gateway runs as other pods. One event loop is plenty for its traffic (joins
 * are a token signature each; creation and exports run on their own threads). Beside it, the probes
 * and the scrape of the pod: {@code /health/live}, {@code /health/ready} and {@code /metrics}.
 */
public final class IngestApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestApi.class);

    private final Vertx vertx;
    private final EngageApi api;
    private final HttpServer server;

    private IngestApi(Vertx vertx, EngageApi api, HttpServer server) {
        this.vertx = vertx;
        this.api = api;
        this.server = server;
    }

    /**
     * What the pod reports besides the API: {@code notLive} and {@code notReady} are null when the rest
     * of the process is well (Main: Kafka Streams not failed; RUNNING), else why not; {@code scrape} is
     * the Prometheus text of {@code /metrics}, or null for no such endpoint.
     */
    public record Ops(Supplier<String> notLive, Supplier<String> notReady, Supplier<String> scrape) {
        static final Ops NONE = new Ops(() -> null, () -> null, null);
    }

    /** Starts the API (reading every known event first) and listens on {@code config.host():config.port()}. */
    public static IngestApi start(ApiConfig config, MeterRegistry metrics) {
        return start(config, metrics, Ops.NONE);
    }

    /**
     * As above, with the probes: ready means the event registry is loaded (this returns only then) and
     * {@code ops.notReady()} has nothing to say.
     */
    public static IngestApi start(ApiConfig config, MeterRegistry metrics, Ops ops) {
        EngageApi api = EngageApi.start(config, metrics, Clock.systemUTC());
        try {
            return listen(config.host(), config.port(), api, ops);
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
    }

    /** Only the probes and {@code /metrics}: ingest without the join API (no {@code engage.hmacSecret}). */
    public static IngestApi opsOnly(String host, int port, Ops ops) {
        return listen(host, port, null, ops);
    }

    private static IngestApi listen(String host, int port, EngageApi api, Ops ops) {
        Vertx vertx = Vertx.vertx();
        try {
            Router router = Router.router(vertx);
            if (api != null) {
                api.mount(router);
            }
            router.get("/health/live").handler(ctx -> probe(ctx, ops.notLive(), "up", "down"));
            router.get("/health/ready").handler(ctx -> probe(ctx, ops.notReady(), "ready", "not_ready"));
            if (ops.scrape() != null) {
                router.get("/metrics").handler(ctx -> ctx.response()
                        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(ops.scrape().get()));
            }
            router.errorHandler(404, ctx -> unrouted(ctx, api, ApiError.NOT_FOUND, "no such endpoint"));
            router.errorHandler(405, ctx -> unrouted(ctx, api, ApiError.NOT_FOUND, "no such endpoint for this method"));
            // HTTP/1.1 only: Java's HTTP client loses long answers (exports) after an h2c upgrade
            // (gateway/README.md, "HTTP/2").
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host)
                            .setPort(port).setCompressionSupported(true).setHttp2ClearTextEnabled(false))
                    .requestHandler(router).listen().toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            LOG.info("listening on http://{}:{} ({}/health/ready, /metrics)", host, server.actualPort(),
                    api == null ? "" : "/engage, ");
            return new IngestApi(vertx, api, server);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("could not listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private static void probe(RoutingContext ctx, Supplier<String> check, String ok, String notOk) {
        String problem = check.get();
        if (problem == null) {
            json(ctx, 200, "{\"status\":\"" + ok + "\"}");
        } else {
            json(ctx, 503, io.vertx.core.json.JsonObject.of("status", notOk, "reason", problem).encode());
        }
    }

    private static void json(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
    }

    private static void unrouted(RoutingContext ctx, EngageApi api, ApiError error, String message) {
        if (api != null) {
            api.refuse(ctx, "other", error, message);
        } else {
            Answers.error(ctx, error, message);
        }
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing the join API's server: {}", e.toString());
        }
        if (api != null) {
            api.close();
        }
    }
}
