package io.chorus.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import io.chorus.gateway.config.AuthConfig;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Verifies a JWT with Nimbus JOSE+JWT: size, then the compact JWS, then an accepted algorithm with
 * a key bound to it (HS256 with the shared secret, RS256 or ES256 with a public key, matched by kid;
 * {@code none} and every other algorithm are refused), the signature, then {@link TokenClaims}.
 *
 * <p>A token naming a kid that no key has may have been signed with a key the identity provider
 * just rotated in: with {@code auth.jwksUrl} set, {@link #verifyAsync} waits for a refresh of the
 * keys (rate-limited, bounded by {@code auth.jwksTimeout}) and {@link #verify} starts one and refuses
 * the token.
 */
public final class TokenVerifier implements AutoCloseable {

    private static final Set<JWSAlgorithm> ACCEPTED = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.RS256,
            JWSAlgorithm.ES256);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuthConfig config;
    private final KeySet fixed;
    private final JwksSource remote;
    private final TokenClaims claims;

    /** @param jwksResults told "ok" or "error" after each fetch of {@code auth.jwksUrl} */
    public TokenVerifier(AuthConfig config, Clock clock, Consumer<String> jwksResults) {
        this.config = config;
        this.fixed = KeySet.load(config.hmacSecret(), config.publicKeyFiles(), config.jwksFile());
        this.remote = config.jwksUrl().isEmpty() ? null : new JwksSource(config, clock, jwksResults);
        this.claims = new TokenClaims(config, clock);
    }

    /** Verifies with the keys at hand; an unknown kid starts a refresh and is refused (token_invalid). */
    public Principal verify(String token) {
        JWSObject jws = parse(token);
        if (unknownKid(jws)) {
            remote.refresh();
        }
        return check(jws);
    }

    /**
     * Completes at once unless the token names an unknown kid and {@code auth.jwksUrl} is set; then
     * after the refresh (or {@code auth.jwksTimeout}), on the fetching thread. Fails with a
     * {@link ChorusException}.
     */
    public CompletionStage<Principal> verifyAsync(String token) {
        try {
            JWSObject jws = parse(token);
            if (!unknownKid(jws)) {
                return CompletableFuture.completedFuture(check(jws));
            }
            return remote.refresh().copy().completeOnTimeout(null, remote.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(v -> check(jws));
        } catch (ChorusException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private JWSObject parse(String token) {
        if (token.length() > config.maxTokenBytes()) {
            throw new ChorusException(ErrorCode.TOKEN_TOO_LARGE, "the token is longer than "
                    + config.maxTokenBytes() + " bytes");
        }
        JWSObject jws;
        try {
            jws = JWSObject.parse(token);
        } catch (ParseException e) {
            throw TokenClaims.invalid("not a signed JWT (three base64url parts: JSON header, claims, signature): "
                    + e.getMessage());
        }
        JWSAlgorithm alg = jws.getHeader().getAlgorithm();
        if (!ACCEPTED.contains(alg)) {
            String name = alg.getName();
            throw TokenClaims.invalid("algorithm '" + (name.length() > 16 ? name.substring(0, 16) : name)
                    + "' is not accepted (HS256, RS256, ES256)");
        }
        if (alg.equals(JWSAlgorithm.HS256) && !fixed.hasAlg(alg)) {
            throw TokenClaims.invalid("HS256 tokens are not accepted: no shared secret is configured");
        }
        return jws;
    }

    private boolean unknownKid(JWSObject jws) {
        String kid = jws.getHeader().getKeyID();
        return remote != null && kid != null && !jws.getHeader().getAlgorithm().equals(JWSAlgorithm.HS256)
                && !fixed.hasKid(kid) && !remote.keys().hasKid(kid);
    }

    private Principal check(JWSObject jws) {
        JWSAlgorithm alg = jws.getHeader().getAlgorithm();
        String kid = jws.getHeader().getKeyID();
        List<JWSVerifier> candidates = new ArrayList<>(2);
        fixed.candidates(alg, kid, candidates);
        if (remote != null) {
            remote.keys().candidates(alg, kid, candidates);
        }
        if (!verified(jws, candidates)) {
            throw TokenClaims.invalid(candidates.isEmpty() && kid != null
                    ? "no " + alg + " key has the token's kid" + (remote == null ? "" : " (the key set is refreshed)")
                    : "the token's signature does not verify");
        }
        JsonNode c;
        try {
            c = JSON.readTree(jws.getPayload().toBytes());
        } catch (IOException e) {
            c = null;
        }
        if (c == null || !c.isObject()) {
            throw TokenClaims.invalid("the token's claims must be a JSON object");
        }
        return claims.check(c);
    }

    private static boolean verified(JWSObject jws, List<JWSVerifier> candidates) {
        for (JWSVerifier v : candidates) {
            try {
                if (jws.verify(v)) {
                    return true;
                }
            } catch (JOSEException e) {
                // not this key
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (remote != null) {
            remote.close();
        }
    }
}
