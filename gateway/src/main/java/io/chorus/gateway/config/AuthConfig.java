package io.chorus.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Authentication. {@code anonymous}: connections without a token are accepted with
 * {@code anonymousCapabilities} (dev mode does this, loudly; production refuses them unless set).
 * Tokens are JWTs signed HS256 with {@code hmacSecret}, or RS256/ES256 with a key from
 * {@code publicKeyFiles} (PEM), {@code jwksFile}, or {@code jwksUrl} (fetched every
 * {@code jwksRefresh}, and on an unknown {@code kid} at most once per {@code jwksMinRefreshInterval};
 * a fetch and a wait for one last at most {@code jwksTimeout}). {@code issuer} and {@code audience},
 * when set, must match {@code iss} and {@code aud}. {@code apiKeys}: named keys with capabilities, for
 * backends calling the HTTP API. The connection is warned {@code expiryWarning} before its token
 * expires.
 */
public record AuthConfig(boolean anonymous, Map<String, List<String>> anonymousCapabilities, String hmacSecret,
                         List<String> publicKeyFiles, String jwksFile, String jwksUrl, Duration jwksRefresh,
                         Duration jwksMinRefreshInterval, Duration jwksTimeout, String issuer, String audience,
                         int maxTokenBytes, Duration clockSkew, Duration expiryWarning,
                         Map<String, ApiKeyConfig> apiKeys) {

    public AuthConfig {
        anonymousCapabilities = anonymousCapabilities == null ? Map.of() : Map.copyOf(anonymousCapabilities);
        publicKeyFiles = publicKeyFiles == null ? List.of() : List.copyOf(publicKeyFiles);
        apiKeys = apiKeys == null ? Map.of() : Map.copyOf(apiKeys);
        jwksUrl = jwksUrl == null ? "" : jwksUrl.trim();
        issuer = issuer == null ? "" : issuer;
        audience = audience == null ? "" : audience;
    }

    /** Secrets stay out of logs. */
    @Override
    public String toString() {
        return "AuthConfig[anonymous=" + anonymous + ", anonymousCapabilities=" + anonymousCapabilities
                + ", hmacSecret=" + (hmacSecret == null || hmacSecret.isEmpty() ? "none" : "***")
                + ", publicKeyFiles=" + publicKeyFiles + ", jwksFile=" + jwksFile + ", jwksUrl=" + jwksUrl
                + ", jwksRefresh=" + jwksRefresh + ", jwksMinRefreshInterval=" + jwksMinRefreshInterval
                + ", jwksTimeout=" + jwksTimeout + ", issuer=" + issuer + ", audience=" + audience
                + ", maxTokenBytes=" + maxTokenBytes + ", clockSkew=" + clockSkew + ", expiryWarning=" + expiryWarning
                + ", apiKeys=" + apiKeys.keySet() + "]";
    }
}
