package io.chorus.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;

/** Reading request input, each problem an {@link ApiError.ApiException} naming the field. */
final class Requests {

    private Requests() {
    }

    /** The body as a JSON object (the body handler already bounded its size). */
    static JsonNode object(RoutingContext ctx) {
        var body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw ApiError.INVALID_REQUEST.with("the body must be a JSON object");
        }
        try {
            JsonNode n = Answers.JSON.readTree(body.getBytes());
            if (n == null || !n.isObject()) {
                throw ApiError.INVALID_REQUEST.with("the body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw ApiError.INVALID_REQUEST.with("the body is not JSON");
        }
    }

    /** A required string of 1..max characters (code points) after trimming, without control characters. */
    static String text(JsonNode body, String field, int max) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual()) {
            throw ApiError.INVALID_REQUEST.with(field + " must be a string");
        }
        String s = v.textValue().strip();
        int n = s.codePointCount(0, s.length());
        if (n < 1 || n > max) {
            throw ApiError.INVALID_REQUEST.with(field + " must have 1 to " + max + " characters");
        }
        if (s.codePoints().anyMatch(Character::isISOControl)) {
            throw ApiError.INVALID_REQUEST.with(field + " must not contain control characters");
        }
        return s;
    }

    /** An optional string field: null when absent or null, refused when another type or longer than max. */
    static String optional(JsonNode body, String field, int max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.textValue().length() > max) {
            throw ApiError.INVALID_REQUEST.with(field + " must be a string of at most " + max + " characters");
        }
        return v.textValue();
    }

    /** {@code Authorization: Bearer X}, or the {@code token} query parameter (browser downloads); null if neither. */
    static String bearer(RoutingContext ctx, boolean queryToo) {
        String h = ctx.request().getHeader("authorization");
        if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return h.substring(7).strip();
        }
        return queryToo ? ctx.request().getParam("token") : null;
    }
}
