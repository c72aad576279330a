package io.chorus.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.config.AuthConfig;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * The claims of a token whose signature verified: {@code sub} (the client id), {@code iss} and
 * {@code aud} when configured, {@code exp}, optional {@code nbf} and {@code iat}, and the
 * {@code chorus} capabilities.
 *
 * <p>Times are read as exact decimals, never multiplied as longs: {@code "exp": -14446744073709551}
 * times 1000 wraps to +4e18 ms (127 million years ahead), and such a token was once accepted. A
 * NumericDate after the year 9999 is refused as invalid (it is usually milliseconds where seconds
 * belong); one before the year -9999 is read as that year (far in the past, so an expired token, or
 * an nbf long passed).
 */
final class TokenClaims {

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_\\-:.@/=+]{1,128}");
    /** 9999-12-31T23:59:59Z. */
    private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(253_402_300_799L);

    private final AuthConfig config;
    private final Clock clock;

    TokenClaims(AuthConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    Principal check(JsonNode c) {
        JsonNode sub = c.get("sub");
        if (sub == null || !sub.isTextual() || !CLIENT_ID.matcher(sub.textValue()).matches()) {
            throw invalid("sub must be a client id of 1 to 128 characters [A-Za-z0-9_-:.@/=+]");
        }
        if (!config.issuer().isEmpty() && !config.issuer().equals(c.path("iss").textValue())) {
            throw invalid("iss must be '" + config.issuer() + "' (auth.issuer)");
        }
        if (!config.audience().isEmpty() && !hasAudience(c.get("aud"))) {
            throw invalid("aud must be or contain '" + config.audience() + "' (auth.audience)");
        }
        long now = clock.millis();
        long skew = config.clockSkew().toMillis();
        Long expiresAt = epochMs(c, "exp");
        if (expiresAt == null) {
            throw invalid("exp (expiry, seconds since the epoch) is required");
        }
        if (expiresAt + skew <= now) {
            throw new ChorusException(ErrorCode.TOKEN_EXPIRED, "the token expired");
        }
        Long notBefore = epochMs(c, "nbf");
        if (notBefore != null && notBefore - skew > now) {
            throw new ChorusException(ErrorCode.TOKEN_NOT_YET_VALID, "the token is not valid yet (nbf)");
        }
        // Issued in the future: the issuer's clock is ahead. Like nbf, the token will do later.
        Long issuedAt = epochMs(c, "iat");
        if (issuedAt != null && issuedAt - skew > now) {
            throw new ChorusException(ErrorCode.TOKEN_NOT_YET_VALID, "the token is not valid yet (iat is in the future)");
        }
        Capabilities caps = Capabilities.parse(c.get("chorus"));
        if (caps == null) {
            throw invalid("the chorus claim must map channel patterns to operations"
                    + " (subscribe, publish, presence, history)");
        }
        return new Principal(sub.textValue(), caps, expiresAt, false);
    }

    private boolean hasAudience(JsonNode aud) {
        if (aud != null && aud.isArray()) {
            for (JsonNode a : aud) {
                if (config.audience().equals(a.textValue())) {
                    return true;
                }
            }
            return false;
        }
        return aud != null && config.audience().equals(aud.textValue());
    }

    /** A NumericDate claim in epoch milliseconds (fractions of a second kept to the millisecond); null when absent. */
    static Long epochMs(JsonNode claims, String name) {
        JsonNode n = claims.get(name);
        if (n == null) {
            return null;
        }
        if (!n.isNumber()) {
            throw invalid(name + " must be a number of seconds since the epoch");
        }
        BigDecimal seconds;
        if (n.isFloatingPointNumber() && !n.isBigDecimal()) {
            double d = n.doubleValue(); // JSON has no NaN; 1e400 is infinite
            seconds = Double.isInfinite(d) ? MAX_SECONDS.add(BigDecimal.ONE).multiply(BigDecimal.valueOf(Math.signum(d)))
                    : BigDecimal.valueOf(d);
        } else {
            seconds = n.decimalValue();
        }
        if (seconds.compareTo(MAX_SECONDS) > 0) {
            throw invalid(name + " is after the year 9999 (seconds since the epoch, not milliseconds)");
        }
        return seconds.max(MAX_SECONDS.negate()).movePointRight(3).setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    static ChorusException invalid(String why) {
        return new ChorusException(ErrorCode.TOKEN_INVALID, why);
    }
}
