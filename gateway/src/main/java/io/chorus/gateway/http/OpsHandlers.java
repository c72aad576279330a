package io.chorus.gateway.http;

import io.chorus.gateway.health.Readiness;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.vertx.ext.web.RoutingContext;

/** Liveness, readiness (Kafka reachable) and the Prometheus scrape. */
public final class OpsHandlers {

    private final Readiness readiness;
    private final GatewayMetrics metrics;

    public OpsHandlers(Readiness readiness, GatewayMetrics metrics) {
        this.readiness = readiness;
        this.metrics = metrics;
    }

    public void live(RoutingContext ctx) {
        ctx.response().putHeader("content-type", "application/json").end("{\"status\":\"up\"}");
    }

    public void ready(RoutingContext ctx) {
        String problem = readiness.check();
        if (problem == null) {
            ctx.response().putHeader("content-type", "application/json").end("{\"status\":\"ready\"}");
        } else {
            var body = io.vertx.core.json.JsonObject.of("status", "not_ready", "reason", problem);
            ctx.response().setStatusCode(503).putHeader("content-type", "application/json").end(body.encode());
        }
    }

    public void metrics(RoutingContext ctx) {
        ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape());
    }
}
