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

/**
 * Turns what a request presents into a {@link Principal}: {@code Authorization: Bearer <jwt>} (or a
 * {@code token} query parameter, since browsers cannot set headers on WebSocket and EventSource),
 * {@code Authorization: Key <api key>} for backends, or nothing at all where anonymous access is on.
 */
public final class Authenticator {

    private final AuthConfig config;
    private final TokenVerifier tokens;
    private final Capabilities anonymous;
    private final Map<String, Capabilities> keyCapabilities;

    public Authenticator(AuthConfig config, Clock clock) {
        this.config = config;
        this.tokens = new TokenVerifier(config, clock);
        this.anonymous = Capabilities.of(config.anonymousCapabilities());
        this.keyCapabilities = new java.util.HashMap<>();
        config.apiKeys().forEach((name, k) -> keyCapabilities.put(name, Capabilities.of(k.capabilities())));
    }

    /**
     * @param authorization the Authorization header, or null
     * @param queryToken the {@code token} query parameter, or null
     * @param anonymousId the client id an anonymous client gets (its connection id)
     */
    public Principal authenticate(String authorization, String queryToken, String anonymousId) {
        if (authorization != null && authorization.regionMatches(true, 0, "Key ", 0, 4)) {
            return apiKey(authorization.substring(4).trim());
        }
        String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : queryToken;
        if (token == null || token.isEmpty()) {
            if (!config.anonymous()) {
                throw new ChorusException(ErrorCode.TOKEN_REQUIRED, "send a token: Authorization: Bearer <jwt>"
                        + " or ?token=<jwt>");
            }
            return new Principal(anonymousId, anonymous, Long.MAX_VALUE, true);
        }
        return verify(token);
    }

    /** A refreshed token, which must name the same client. */
    public Principal verify(String token) {
        return tokens.verify(token);
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
