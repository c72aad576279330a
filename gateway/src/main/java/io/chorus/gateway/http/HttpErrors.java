package io.chorus.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.gateway.feed.Failures;
import io.chorus.gateway.metrics.GatewayMetrics;
import io.chorus.schema.ChorusException;
import io.vertx.ext.web.RoutingContext;

/** Writes an enumerated error as {@code {"error","code","message","retryable"}} with its HTTP status. */
public final class HttpErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpErrors() {
    }

    public static void send(RoutingContext ctx, Throwable err, GatewayMetrics metrics) {
        ChorusException e = Failures.toChorus(err);
        metrics.error(e.code().wireName());
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        var body = JSON.createObjectNode().put("error", e.code().wireName()).put("code", e.code().code())
                .put("message", e.getMessage()).put("retryable", e.code().retryable());
        if (e.retryAfterMs() > 0) {
            body.put("retryAfterMs", e.retryAfterMs());
            ctx.response().putHeader("retry-after", String.valueOf((e.retryAfterMs() + 999) / 1000));
        }
        ctx.response().setStatusCode(e.code().httpStatus()).putHeader("content-type", "application/json")
                .end(body.toString());
    }
}
