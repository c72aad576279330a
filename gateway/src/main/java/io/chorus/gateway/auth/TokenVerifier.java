package io.chorus.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.config.AuthConfig;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies a JWT: size, shape, an allowed algorithm with a configured key (HS256 with the shared
 * secret, RS256 or ES256 with a public key; {@code none} and every other algorithm are refused),
 * the signature, then the claims: {@code sub} (the client id), {@code exp}, optional {@code nbf},
 * and the {@code chorus} capabilities.
 */
public final class TokenVerifier {

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_\\-:.@/=+]{1,128}");

    private final AuthConfig config;
    private final KeySet keys;
    private final Clock clock;

    public TokenVerifier(AuthConfig config, Clock clock) {
        this.config = config;
        this.keys = KeySet.load(config.publicKeyFiles(), config.jwksFile());
        this.clock = clock;
    }

    public Principal verify(String token) {
        if (token.length() > config.maxTokenBytes()) {
            throw new ChorusException(ErrorCode.TOKEN_TOO_LARGE, "the token is longer than "
                    + config.maxTokenBytes() + " bytes");
        }
        Jwt jwt = Jwt.parse(token);
        String alg = jwt.header().path("alg").asText("");
        String kid = jwt.header().path("kid").isTextual() ? jwt.header().get("kid").textValue() : null;
        boolean ok = switch (alg) {
            case "HS256" -> hmac(jwt);
            case "RS256" -> signature(jwt, "SHA256withRSA", keys.candidates(kid, true), false);
            case "ES256" -> signature(jwt, "SHA256withECDSA", keys.candidates(kid, false), true);
            default -> throw Jwt.invalid("algorithm '" + (alg.length() > 16 ? alg.substring(0, 16) : alg)
                    + "' is not accepted (HS256, RS256, ES256)");
        };
        if (!ok) {
            throw Jwt.invalid("the token's signature does not verify");
        }
        return claims(jwt.claims());
    }

    private Principal claims(JsonNode c) {
        JsonNode sub = c.get("sub");
        if (sub == null || !sub.isTextual() || !CLIENT_ID.matcher(sub.textValue()).matches()) {
            throw Jwt.invalid("sub must be a client id of 1 to 128 characters [A-Za-z0-9_-:.@/=+]");
        }
        JsonNode exp = c.get("exp");
        if (exp == null || !exp.canConvertToLong()) {
            throw Jwt.invalid("exp (expiry, seconds since the epoch) is required");
        }
        long now = clock.millis();
        long skew = config.clockSkew().toMillis();
        long expiresAt = exp.longValue() * 1000;
        if (expiresAt + skew <= now) {
            throw new ChorusException(ErrorCode.TOKEN_EXPIRED, "the token expired");
        }
        JsonNode nbf = c.get("nbf");
        if (nbf != null && (!nbf.canConvertToLong() || nbf.longValue() * 1000 - skew > now)) {
            throw new ChorusException(ErrorCode.TOKEN_NOT_YET_VALID, "the token is not valid yet (nbf)");
        }
        Capabilities caps = Capabilities.parse(c.get("chorus"));
        if (caps == null) {
            throw Jwt.invalid("the chorus claim must map channel patterns to operations"
                    + " (subscribe, publish, presence, history)");
        }
        return new Principal(sub.textValue(), caps, expiresAt, false);
    }

    private boolean hmac(Jwt jwt) {
        if (config.hmacSecret() == null || config.hmacSecret().isEmpty()) {
            throw Jwt.invalid("HS256 tokens are not accepted: no shared secret is configured");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(config.hmacSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return MessageDigest.isEqual(mac.doFinal(jwt.signingInput()), jwt.signature());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean signature(Jwt jwt, String algorithm, Iterable<PublicKey> candidates, boolean jose) {
        byte[] sig = jwt.signature();
        if (jose) {
            if (sig.length != 64) {
                return false;
            }
            sig = EcdsaSignatures.toDer(sig);
        }
        for (PublicKey key : candidates) {
            try {
                Signature s = Signature.getInstance(algorithm);
                s.initVerify(key);
                s.update(jwt.signingInput());
                if (s.verify(sig)) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                // not this key
            }
        }
        return false;
    }
}
