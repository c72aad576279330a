package io.chorus.gateway.http;

import io.chorus.gateway.Services;
import io.vertx.ext.web.RoutingContext;

/** Liveness, readiness (Kafka reachable) and the Prometheus scrape. */
public final class OpsHandlers {

    private final Services services;

    public OpsHandlers(Services services) {
        this.services = services;
    }

    public void live(RoutingContext ctx) {
        ctx.response().putHeader("content-type", "application/json").end("{\"status\":\"up\"}");
    }

    public void ready(RoutingContext ctx) {
        String problem = services.readiness().check();
        if (problem == null) {
            ctx.response().putHeader("content-type", "application/json").end("{\"status\":\"ready\"}");
        } else {
            var body = io.vertx.core.json.JsonObject.of("status", "not_ready", "reason", problem);
            ctx.response().setStatusCode(503).putHeader("content-type", "application/json").end(body.encode());
        }
    }

    public void metrics(RoutingContext ctx) {
        ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(services.metrics().scrape());
    }
}
