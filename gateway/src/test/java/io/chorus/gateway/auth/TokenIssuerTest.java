package io.chorus.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.gateway.testing.TestTokens;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What {@code chorus token} prints is a token the gateway accepts, with exactly the capabilities asked for. */
class TokenIssuerTest {

    private static final String SECRET = "a-secret-for-the-token-issuer-test";

    private static Authenticator gateway(String secret) {
        return new Authenticator(TestTokens.hs256Config(secret, Duration.ofSeconds(30)), Clock.systemUTC());
    }

    @Test
    void issuedTokensVerifyWithTheirCapabilities() throws Exception {
        var caps = new ObjectMapper().readTree("{\"room:*\":[\"presence\",\"subscribe\"]}");
        String token = TokenIssuer.hs256(SECRET, "ada", Duration.ofMinutes(10), caps, Instant.now());
        Principal p = gateway(SECRET).verify(token);
        assertEquals("ada", p.clientId());
        assertTrue(p.capabilities().allows(ChannelName.parse("room:1"), Operation.PRESENCE));
        assertFalse(p.capabilities().allows(ChannelName.parse("room:1"), Operation.PUBLISH));
        assertFalse(p.capabilities().allows(ChannelName.parse("chat:1"), Operation.SUBSCRIBE));
        assertTrue(p.expiresAtMs() > System.currentTimeMillis() + 500_000);
    }

    @Test
    void aTokenFromAnotherSecretOrAlreadyExpiredIsRefused() throws Exception {
        var caps = new ObjectMapper().readTree("{\"*\":[\"subscribe\"]}");
        String other = TokenIssuer.hs256("another-secret-entirely-xyz", "ada", Duration.ofMinutes(10), caps, Instant.now());
        assertEquals(ErrorCode.TOKEN_INVALID, assertThrows(ChorusException.class, () -> gateway(SECRET).verify(other)).code());
        String old = TokenIssuer.hs256(SECRET, "ada", Duration.ofMinutes(1), caps, Instant.now().minusSeconds(3600));
        assertEquals(ErrorCode.TOKEN_EXPIRED, assertThrows(ChorusException.class, () -> gateway(SECRET).verify(old)).code());
        assertThrows(IllegalArgumentException.class, () -> TokenIssuer.hs256("", "ada", Duration.ofMinutes(1), caps,
                Instant.now()));
    }
}
