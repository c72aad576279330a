package io.chorus.gateway.http.ably;

import io.chorus.gateway.metrics.GatewayMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Requests of ably-js's REST client (every one carries {@code X-Ably-Version}, RSC7e) that Chorus does not
 * serve ({@link AblyRestApi} serves the rest): stats, push, batch, channel status... Each is answered with
 * an Ably ErrorInfo (code 40400, "not found", from Ably's catalogue ably-common
 * {@code protocol/errors.json}) and the {@code X-Ably-Errorcode} / {@code X-Ably-Errormessage} headers
 * ably-js also reads, so the SDK reports a clear error instead of failing to parse a page of another
 * API. Other requests go on.
 */
public final class AblyRest {

    private final Counter refused;

    public AblyRest(GatewayMetrics metrics) {
        this.refused = Counter.builder("chorus_ably_rest_refused")
                .description("Ably REST requests answered 40400 (not supported yet)").register(metrics.registry());
    }

    public void refuse(RoutingContext ctx) {
        if (ctx.request().getHeader("X-Ably-Version") == null) {
            ctx.next();
            return;
        }
        refused.increment();
        String message = "the Ably REST API (" + ctx.request().method() + " " + shorten(ctx.request().path())
                + ") is not supported by this Chorus gateway yet; see ABLY.md";
        JsonObject error = new JsonObject().put("code", 40400).put("statusCode", 404).put("message", message);
        ctx.response().setStatusCode(404).putHeader("content-type", "application/json")
                .putHeader("X-Ably-Errorcode", "40400").putHeader("X-Ably-Errormessage", message)
                .end(new JsonObject().put("error", error).encode());
    }

    private static String shorten(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
