package io.chorus.client.engage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/** ENGAGE.md's join API: create an event, join one, export its responses. */
final class JoinApi {

    private static final Pattern CODE = Pattern.compile("[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}");

    private final Rest rest;
    private final ObjectMapper mapper;
    private final URI base;
    private final String adminKey;

    JoinApi(Rest rest, ObjectMapper mapper, URI base, String adminKey) {
        this.rest = rest;
        this.mapper = mapper;
        this.base = base;
        this.adminKey = adminKey;
    }

    CompletableFuture<CreatedEvent> create(String title) {
        if (title == null || title.isBlank() || title.strip().length() > 120) {
            return CompletableFuture.failedFuture(new EngageException(EngageErrorCode.INVALID_REQUEST,
                    "an event title is 1 to 120 characters"));
        }
        HttpRequest.Builder r = post("engage/events", mapper.createObjectNode().put("title", title.strip()));
        if (adminKey != null) {
            r.header("Authorization", "Bearer " + adminKey);
        }
        return rest.json(r.build()).thenApply(b -> new CreatedEvent(text(b, "code"), text(b, "title"),
                text(b, "hostToken"), text(b, "host"), b.path("expiresAt").asLong(0), b.path("joinUrl").asText(null)));
    }

    CompletableFuture<JoinedEvent> join(String code, String name, String previousToken) {
        ObjectNode body = mapper.createObjectNode().put("code", code).put("name", name);
        if (previousToken != null) {
            body.put("token", previousToken);
        }
        return rest.json(post("engage/join", body).build()).thenApply(b -> new JoinedEvent(
                text(b.path("event"), "code"), b.path("event").path("title").asText(""), text(b, "token"),
                text(b, "participant"), b.path("expiresAt").asLong(0)));
    }

    /** Streams the export into {@code out}; an error answer is read as JSON instead. */
    CompletableFuture<ExportResult> export(String code, String hostToken, ExportFormat format, String activity,
                                           OutputStream out) {
        StringBuilder path = new StringBuilder("engage/events/").append(code).append("/export?format=")
                .append(format.code());
        if (activity != null) {
            path.append("&activity=").append(URLEncoder.encode(Checks.id(activity, "activity"), StandardCharsets.UTF_8));
        }
        HttpRequest request = rest.request(base.resolve(path.toString()))
                .header("Authorization", "Bearer " + hostToken).GET().build();
        HttpResponse.BodyHandler<Object> handler = info -> info.statusCode() == 200
                ? HttpResponse.BodySubscribers.mapping(Bodies.copy(out), n -> (Object) n)
                : HttpResponse.BodySubscribers.mapping(Bodies.text(64 * 1024), s -> (Object) s);
        return rest.http().sendAsync(request, handler).handle((response, error) -> {
            if (error != null) {
                Throwable cause = Commands.unwrap(error);
                throw new EngageException(EngageErrorCode.NETWORK_ERROR, "the export failed: " + cause, null, 0, null,
                        cause);
            }
            if (response.statusCode() != 200) {
                throw rest.error(response.statusCode(), rest.parse((String) response.body()), request);
            }
            long maxRows = response.headers().firstValueAsLong("chorus-export-max-rows").orElse(-1);
            return new ExportResult((Long) response.body(), maxRows);
        });
    }

    static boolean validCode(String code) {
        return code != null && CODE.matcher(code).matches();
    }

    private HttpRequest.Builder post(String path, ObjectNode body) {
        return rest.request(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    }

    private static String text(JsonNode n, String field) {
        if (!n.path(field).isTextual()) {
            throw new EngageException(EngageErrorCode.NETWORK_ERROR, "the join API's answer has no '" + field + "'");
        }
        return n.get(field).asText();
    }
}
