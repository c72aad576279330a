package io.chorus.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Gets a token: the fixed one, the application's callback (run on the delivery thread, since it is
 * application code), or a GET of the auth URL whose body is the token as plain text or JSON
 * {@code {"token":"..."}}. Every fetch is bounded by a timeout, so a callback that never completes
 * counts as a failure (and backs off) instead of stalling the client.
 */
final class TokenSource {

    /** What a JWT (base64url parts joined by dots) can contain; anything else would corrupt the header. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-.+/=~]{1,16384}");

    private final AuthOptions auth;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Delivery delivery;

    TokenSource(AuthOptions auth, HttpClient http, ObjectMapper mapper, Delivery delivery) {
        this.auth = auth;
        this.http = http;
        this.mapper = mapper;
        this.delivery = delivery;
    }

    boolean present() {
        return auth.present();
    }

    boolean renewable() {
        return auth.renewable();
    }

    /** A token, or null for an anonymous client; completes on some other thread, or at once. */
    CompletableFuture<String> fetch(Duration timeout) {
        if (auth.token() != null) {
            return CompletableFuture.completedFuture(auth.token());
        }
        CompletableFuture<String> raw;
        if (auth.callback() != null) {
            raw = fromCallback();
        } else if (auth.url() != null) {
            raw = fromUrl(timeout);
        } else {
            return CompletableFuture.completedFuture(null);
        }
        return raw.orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .thenApply(TokenSource::checked);
    }

    private CompletableFuture<String> fromCallback() {
        CompletableFuture<String> out = new CompletableFuture<>();
        delivery.run(() -> {
            try {
                CompletionStage<String> stage = auth.callback().get();
                if (stage == null) {
                    out.completeExceptionally(new IOException("authCallback returned null"));
                } else {
                    stage.whenComplete((token, error) -> {
                        if (error != null) {
                            out.completeExceptionally(error);
                        } else {
                            out.complete(token);
                        }
                    });
                }
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    private CompletableFuture<String> fromUrl(Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(auth.url()).timeout(timeout)
                .header("Accept", "application/json, text/plain").GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() / 100 != 2) {
                throw new TokenException("authUrl answered HTTP " + response.statusCode());
            }
            return parse(response.body());
        });
    }

    /** The body of an auth URL response: JSON {@code {"token":"..."}} or the token as plain text. */
    String parse(String body) {
        String text = body == null ? "" : body.strip();
        if (!text.startsWith("{")) {
            return text;
        }
        try {
            JsonNode token = mapper.readTree(text).get("token");
            if (token == null || !token.isTextual()) {
                throw new TokenException("authUrl answered JSON without a \"token\" string");
            }
            return token.textValue();
        } catch (JsonProcessingException e) {
            throw new TokenException("authUrl answered malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static String checked(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            throw new TokenException(token == null || token.isEmpty() ? "the token source gave no token"
                    : "the token source gave a token with characters a JWT cannot have");
        }
        return token;
    }

    /** A token could not be had; the client backs off and asks again. */
    static final class TokenException extends RuntimeException {
        TokenException(String message) {
            super(message, null, false, false);
        }
    }
}
