package io.chorus.gateway;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;

/**
 * Lets pages on the configured origins use every transport and the REST API: SSE and long-poll
 * {@code GET}s, publishes with {@code Idempotency-Key}, and resumes with {@code Last-Event-ID}.
 * WebSocket upgrades are not subject to CORS; browsers send their Origin and the gateway accepts it.
 */
final class Cors {

    private Cors() {
    }

    static void install(Router router, List<String> origins) {
        if (origins.isEmpty()) {
            return;
        }
        CorsHandler cors = CorsHandler.create()
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
                .allowedHeaders(Set.of("content-type", "idempotency-key", "last-event-id", "authorization"))
                .maxAgeSeconds(600);
        if (!origins.contains("*")) {
            cors.addOrigins(origins);
        }
        router.route("/v1/*").handler(cors);
        router.route("/sdk/*").handler(cors);
    }
}
