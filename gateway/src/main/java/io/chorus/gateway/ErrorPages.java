package io.chorus.gateway;

import io.chorus.gateway.metrics.GatewayMetrics;
import io.chorus.schema.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The router's own failures (no route, body too large, handler crash) as enumerated JSON errors. */
final class ErrorPages {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ErrorPages.class);

    private ErrorPages() {
    }

    static void install(Router router, GatewayMetrics metrics) {
        router.errorHandler(404, ctx -> coded(ctx, ErrorCode.NOT_FOUND, "no such endpoint", metrics));
        router.errorHandler(405, ctx -> coded(ctx, ErrorCode.METHOD_NOT_ALLOWED, "method not allowed here", metrics));
        router.errorHandler(413, ctx -> coded(ctx, ErrorCode.MESSAGE_TOO_LARGE, "the body is larger than allowed",
                metrics));
        router.errorHandler(400, ctx -> coded(ctx, ErrorCode.INVALID_FIELD, "bad request", metrics));
        router.errorHandler(500, ctx -> {
            if (ctx.failure() != null) {
                LOG.warn("request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            }
            coded(ctx, ErrorCode.INTERNAL, "unexpected server error", metrics);
        });
    }

    private static void coded(RoutingContext ctx, ErrorCode code, String message, GatewayMetrics metrics) {
        metrics.error(code.wireName());
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(code.httpStatus()).putHeader("content-type", "application/json")
                    .end(JsonObject.of("error", code.wireName(), "code", code.code(), "message", message,
                            "retryable", code.retryable()).encode());
        }
    }
}
