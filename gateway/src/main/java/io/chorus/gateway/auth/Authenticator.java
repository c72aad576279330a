package io.chorus.gateway.auth;

import io.chorus.gateway.config.ApiKeyConfig;
import io.chorus.gateway.config.AuthConfig;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Turns what a request presents into a {@link Principal}: {@code Authorization: Bearer <jwt>} (or a
 * {@code token} query parameter, since browsers cannot set headers on WebSocket and EventSource),
 * {@code Authorization: Key <api key>} for backends, or nothing at all where anonymous access is on.
 */
public final class Authenticator implements AutoCloseable {

    private final AuthConfig config;
    private final TokenVerifier tokens;
    private final Capabilities anonymous;
    private final Map<String, Capabilities> keyCapabilities;

    public Authenticator(AuthConfig config, Clock clock) {
        this(config, clock, result -> { });
    }

    /** @param jwksResults told "ok" or "error" after each fetch of {@code auth.jwksUrl} (a metric) */
    public Authenticator(AuthConfig config, Clock clock, Consumer<String> jwksResults) {
        this.config = config;
        this.tokens = new TokenVerifier(config, clock, jwksResults);
        this.anonymous = Capabilities.of(config.anonymousCapabilities());
        this.keyCapabilities = new java.util.HashMap<>();
        config.apiKeys().forEach((name, k) -> keyCapabilities.put(name, Capabilities.of(k.capabilities())));
    }

    /**
     * For callers that cannot wait: a token naming a kid that no key has yet is refused with
     * token_invalid (after starting a refresh of {@code auth.jwksUrl}); prefer {@link #authenticateAsync}.
     *
     * @param authorization the Authorization header, or null
     * @param queryToken the {@code token} query parameter, or null
     * @param anonymousId the client id an anonymous client gets (its connection id)
     */
    public Principal authenticate(String authorization, String queryToken, String anonymousId) {
        String token = bearer(authorization, queryToken);
        return token == null ? withoutToken(authorization, anonymousId) : verify(token);
    }

    /**
     * As {@link #authenticate}, but a token with an unknown kid waits for the refreshed keys (at most
     * {@code auth.jwksTimeout}). Completes at once in every other case; otherwise on the thread that
     * fetched the keys, so callers hand the result to their own context. Fails with a ChorusException.
     */
    public CompletionStage<Principal> authenticateAsync(String authorization, String queryToken, String anonymousId) {
        String token = bearer(authorization, queryToken);
        if (token != null) {
            return tokens.verifyAsync(token);
        }
        try {
            return CompletableFuture.completedFuture(withoutToken(authorization, anonymousId));
        } catch (ChorusException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A refreshed token, which must name the same client; an unknown kid as in {@link #authenticate}. */
    public Principal verify(String token) {
        return tokens.verify(token);
    }

    /** A refreshed token, waiting for the keys as {@link #authenticateAsync} does. */
    public CompletionStage<Principal> verifyAsync(String token) {
        return tokens.verifyAsync(token);
    }

    /** The token a request presents (the Bearer header, else the query parameter), or null. */
    private static String bearer(String authorization, String queryToken) {
        if (isApiKey(authorization)) {
            return null;
        }
        String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : queryToken;
        return token == null || token.isEmpty() ? null : token;
    }

    private static boolean isApiKey(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Key ", 0, 4);
    }

    private Principal withoutToken(String authorization, String anonymousId) {
        if (isApiKey(authorization)) {
            return apiKey(authorization.substring(4).trim());
        }
        if (!config.anonymous()) {
            throw new ChorusException(ErrorCode.TOKEN_REQUIRED, "send a token: Authorization: Bearer <jwt>"
                    + " or ?token=<jwt>");
        }
        return new Principal(anonymousId, anonymous, Long.MAX_VALUE, true);
    }

    /** Stops fetching {@code auth.jwksUrl}. */
    @Override
    public void close() {
        tokens.close();
    }

    private Principal apiKey(String presented) {
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        for (Map.Entry<String, ApiKeyConfig> e : config.apiKeys().entrySet()) {
            if (MessageDigest.isEqual(given, e.getValue().key().getBytes(StandardCharsets.UTF_8))) {
                return new Principal("key:" + e.getKey(), keyCapabilities.get(e.getKey()), Long.MAX_VALUE, false);
            }
        }
        throw new ChorusException(ErrorCode.TOKEN_INVALID, "unknown API key");
    }

    /**
     * Occupancy (counts, not names) is open to subscribers as well as to presence readers: throws
     * {@link ErrorCode#FORBIDDEN} unless the principal may do either on the channel.
     */
    public static void requireOccupancy(Principal who, ChannelName channel) {
        if (!who.capabilities().allows(channel, Operation.SUBSCRIBE)) {
            require(who, channel, Operation.PRESENCE);
        }
    }

    /** Throws {@link ErrorCode#FORBIDDEN} unless the principal may do {@code op} on the channel. */
    public static void require(Principal who, ChannelName channel, Operation op) {
        if (!who.capabilities().allows(channel, op)) {
            throw new ChorusException(ErrorCode.FORBIDDEN, "not allowed to " + op.wireName() + " on " + channel);
        }
    }
}
