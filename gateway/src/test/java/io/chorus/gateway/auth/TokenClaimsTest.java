package io.chorus.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.config.AuthConfig;
import io.chorus.gateway.testing.TestClock;
import io.chorus.gateway.testing.TestTokens;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Times, issuer and audience, and algorithm pinning, on signatures that verify. */
class TokenClaimsTest {

    private static final TestClock CLOCK = new TestClock();
    private static final long NOW = CLOCK.millis() / 1000;
    private static final Duration SKEW = Duration.ofSeconds(30);

    private static Authenticator gateway(AuthConfig config) {
        return new Authenticator(config, CLOCK);
    }

    private static ObjectNode claims() {
        return TestTokens.claims("ada", 0, Map.of("*", new String[] {"subscribe"})).put("exp", NOW + 600);
    }

    private static ErrorCode refusal(Authenticator auth, String token) {
        return assertThrows(ChorusException.class, () -> auth.verify(token)).code();
    }

    static Stream<Arguments> times() {
        long[] huge = {Long.MAX_VALUE, Long.MIN_VALUE};
        return Stream.of(
                // The reported bug: exp * 1000 wrapped to 4e18 ms, some 127 million years ahead.
                Arguments.of("exp", -14446744073709551L, ErrorCode.TOKEN_EXPIRED),
                Arguments.of("exp", huge[1], ErrorCode.TOKEN_EXPIRED),
                Arguments.of("exp", new BigInteger("-99999999999999999999999"), ErrorCode.TOKEN_EXPIRED),
                Arguments.of("exp", -1e300, ErrorCode.TOKEN_EXPIRED),
                Arguments.of("exp", huge[0], ErrorCode.TOKEN_INVALID),
                Arguments.of("exp", new BigInteger("99999999999999999999999"), ErrorCode.TOKEN_INVALID),
                Arguments.of("exp", 1e300, ErrorCode.TOKEN_INVALID),
                Arguments.of("exp", (NOW + 600) * 1000, ErrorCode.TOKEN_INVALID), // milliseconds
                Arguments.of("exp", String.valueOf(NOW + 600), ErrorCode.TOKEN_INVALID),
                Arguments.of("exp", NOW - 31.5, ErrorCode.TOKEN_EXPIRED),
                Arguments.of("nbf", huge[0], ErrorCode.TOKEN_INVALID),
                Arguments.of("nbf", 1e300, ErrorCode.TOKEN_INVALID),
                Arguments.of("nbf", String.valueOf(NOW), ErrorCode.TOKEN_INVALID),
                Arguments.of("nbf", NOW + 31.5, ErrorCode.TOKEN_NOT_YET_VALID),
                Arguments.of("iat", huge[0], ErrorCode.TOKEN_INVALID),
                Arguments.of("iat", new BigInteger("99999999999999999999999"), ErrorCode.TOKEN_INVALID),
                Arguments.of("iat", "yesterday", ErrorCode.TOKEN_INVALID),
                Arguments.of("iat", NOW + 31, ErrorCode.TOKEN_NOT_YET_VALID),
                Arguments.of("iat", NOW + 31.5, ErrorCode.TOKEN_NOT_YET_VALID));
    }

    @ParameterizedTest(name = "{0} = {1}: {2}")
    @MethodSource("times")
    void absurdOverflowingFractionalAndStringTimesAreRefusedWithTheirCode(String claim, Object value, ErrorCode code) {
        ObjectNode c = claims();
        c.set(claim, TestTokens.numberOrText(value));
        assertEquals(code, refusal(gateway(TestTokens.hs256Config(TestTokens.SECRET, SKEW)), TestTokens.hs256(c)));
    }

    @Test
    void timesInTheirRangeAreAcceptedToTheMillisecond() {
        Authenticator auth = gateway(TestTokens.hs256Config(TestTokens.SECRET, SKEW));
        ObjectNode c = claims();
        c.put("exp", NOW + 600.25).put("iat", NOW + 29).put("nbf", Long.MIN_VALUE);
        assertEquals(NOW * 1000 + 600_250, auth.verify(TestTokens.hs256(c)).expiresAtMs());
        c.put("exp", NOW - 29).put("iat", -1e300).put("nbf", new BigDecimal("-1e30"));
        assertEquals(NOW * 1000 - 29_000, auth.verify(TestTokens.hs256(c)).expiresAtMs());
    }

    private static AuthConfig withIssuerAndAudience(String issuer, String audience) {
        AuthConfig a = TestTokens.hs256Config(TestTokens.SECRET, SKEW);
        return new AuthConfig(a.anonymous(), a.anonymousCapabilities(), a.hmacSecret(), a.publicKeyFiles(), a.jwksFile(),
                a.jwksUrl(), a.jwksRefresh(), a.jwksMinRefreshInterval(), a.jwksTimeout(), issuer, audience,
                a.maxTokenBytes(), a.clockSkew(), a.expiryWarning(), a.apiKeys());
    }

    @Test
    void issuerAndAudienceMustMatchWhenConfigured() {
        Authenticator auth = gateway(withIssuerAndAudience("https://idp.example/", "chorus"));
        ObjectNode c = claims().put("iss", "https://idp.example/").put("aud", "chorus");
        assertEquals("ada", auth.verify(TestTokens.hs256(c)).clientId());
        c.putArray("aud").add("billing").add("chorus");
        assertEquals("ada", auth.verify(TestTokens.hs256(c)).clientId());
        c.putArray("aud").add("billing");
        assertEquals(ErrorCode.TOKEN_INVALID, refusal(auth, TestTokens.hs256(c)));
        c.put("aud", "chorus").put("iss", "https://evil.example/");
        assertEquals(ErrorCode.TOKEN_INVALID, refusal(auth, TestTokens.hs256(c)));
        c.remove("iss");
        assertEquals(ErrorCode.TOKEN_INVALID, refusal(auth, TestTokens.hs256(c)));
        c.put("iss", "https://idp.example/").remove("aud");
        assertEquals(ErrorCode.TOKEN_INVALID, refusal(auth, TestTokens.hs256(c)));
        // Not configured: not checked.
        assertEquals("ada", gateway(TestTokens.hs256Config(TestTokens.SECRET, SKEW)).verify(TestTokens.hs256(c))
                .clientId());
    }

    @Test
    void anHs256TokenMacedWithThePublicKeyIsRefusedWithOrWithoutASharedSecret(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("rsa.pem");
        Files.writeString(pem, TestTokens.pem(TestTokens.RSA));
        AuthConfig a = TestTokens.hs256Config(TestTokens.SECRET, SKEW);
        for (String secret : List.of(TestTokens.SECRET, "")) {
            Authenticator auth = gateway(new AuthConfig(false, Map.of(), secret, List.of(pem.toString()), "", "",
                    a.jwksRefresh(), a.jwksMinRefreshInterval(), a.jwksTimeout(), "", "", 8192, SKEW,
                    a.expiryWarning(), Map.of()));
            assertEquals("ada", auth.verify(TestTokens.rs256(claims())).clientId());
            for (byte[] publicKey : List.of(TestTokens.RSA.getPublic().getEncoded(),
                    TestTokens.pem(TestTokens.RSA).getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                assertEquals(ErrorCode.TOKEN_INVALID, refusal(auth, TestTokens.hs256(publicKey, claims())));
            }
        }
    }
}
