package io.chorus.ingest.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;

/** JSON answers, and errors as {@code {"error", "message", "retryable"}} with the error's status. */
final class Answers {

    static final ObjectMapper JSON = new ObjectMapper();

    private Answers() {
    }

    static void json(RoutingContext ctx, int status, ObjectNode body) {
        if (!ctx.response().ended() && !ctx.response().headWritten()) {
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .putHeader("cache-control", "no-store").end(body.toString());
        }
    }

    static void error(RoutingContext ctx, ApiError error, String message) {
        if (ctx.response().headWritten()) {
            // Mid-stream (an export): the status is gone; resetting tells the client the body is incomplete.
            ctx.response().reset();
            return;
        }
        json(ctx, error.status(), JSON.createObjectNode().put("error", error.code()).put("message", message)
                .put("retryable", error.retryable()));
    }
}
