package io.chorus.ingest.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The join API on a port of its own ({@code engage.http.port}, 8081): what ingest's Main starts in
 * production, where the gateway runs as other pods. One event loop is plenty for its traffic (joins
 * are a token signature each; creation and exports run on their own threads).
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

    /** Starts the API (reading every known event first) and listens on {@code config.host():config.port()}. */
    public static IngestApi start(ApiConfig config, MeterRegistry metrics) {
        EngageApi api = EngageApi.start(config, metrics, Clock.systemUTC());
        Vertx vertx = Vertx.vertx();
        try {
            Router router = Router.router(vertx);
            api.mount(router);
            router.errorHandler(404, ctx -> unrouted(ctx, api, ApiError.NOT_FOUND, "no such endpoint"));
            router.errorHandler(405, ctx -> unrouted(ctx, api, ApiError.NOT_FOUND, "no such endpoint for this method"));
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host())
                            .setPort(config.port()).setCompressionSupported(true))
                    .requestHandler(router).listen().toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            LOG.info("join API listening on http://{}:{}/engage", config.host(), server.actualPort());
            return new IngestApi(vertx, api, server);
        } catch (Exception e) {
            vertx.close();
            api.close();
            throw new IllegalStateException("the join API could not listen on " + config.host() + ":" + config.port()
                    + ": " + e.getMessage(), e);
        }
    }

    private static void unrouted(RoutingContext ctx, EngageApi api, ApiError error, String message) {
        api.refuse(ctx, "other", error, message);
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
        api.close();
    }
}
