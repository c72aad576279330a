package io.chorus.client.engage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * JSON over HTTP for the join API and the gateway's REST: bounded answers, and every failure as an
 * {@link EngageException} with the server's enumerated code ({@code {"error": code, "message": ...}}
 * on both servers), or {@code network_error} when there is no readable answer.
 */
final class Rest {

    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Duration timeout;
    private final int maxBytes;

    Rest(HttpClient http, ObjectMapper mapper, Duration timeout, int maxBytes) {
        this.http = http;
        this.mapper = mapper;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    HttpClient http() {
        return http;
    }

    HttpRequest.Builder request(java.net.URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout);
    }

    /** Sends; completes with the JSON body of a 2xx answer, else fails with the server's error. */
    CompletableFuture<JsonNode> json(HttpRequest request) {
        return http.sendAsync(request, info -> Bodies.text(maxBytes)).handle((response, error) -> {
            if (error != null) {
                Throwable cause = Commands.unwrap(error);
                throw new EngageException(EngageErrorCode.NETWORK_ERROR, request.method() + " " + request.uri().getPath()
                        + ": " + cause, null, 0, null, cause);
            }
            JsonNode body = parse(response.body());
            if (response.statusCode() / 100 != 2) {
                throw error(response.statusCode(), body, request);
            }
            if (body == null) {
                throw new EngageException(EngageErrorCode.NETWORK_ERROR, request.uri().getPath()
                        + " answered " + response.statusCode() + " without a JSON body");
            }
            return body;
        });
    }

    /** A non-2xx answer as an exception; {@code body} may be null (not JSON). */
    EngageException error(int status, JsonNode body, HttpRequest request) {
        String wire = body != null ? body.path("error").asText(null) : null;
        String message = body != null && body.path("message").isTextual() ? body.get("message").asText()
                : request.uri().getPath() + " answered HTTP " + status;
        if (wire == null) {
            return new EngageException(EngageErrorCode.NETWORK_ERROR, message + " (HTTP " + status + ", no error code)");
        }
        EngageErrorCode code = EngageErrorCode.of(wire);
        long retryAfter = body.path("retryAfterMs").asLong(0);
        return new EngageException(code != null ? code : EngageErrorCode.UNEXPECTED, message, null, retryAfter, wire,
                null);
    }

    JsonNode parse(String text) {
        try {
            return text == null || text.isBlank() ? null : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
