package io.chorus.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.gateway.config.AuthConfig;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.JwksServer;
import io.chorus.gateway.testing.TestClock;
import io.chorus.gateway.testing.TestTokens;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keys from an identity provider's JWKS URL (a real HTTP server on 127.0.0.1): by kid, through a
 * rotation, rate-limited against made-up kids, and kept when the provider is down. The rate limit
 * runs on a test clock; the periodic refresh is an hour away and never runs.
 */
class JwksUrlTest {

    private static final KeyPair RSA_A = TestTokens.newKeyPair("RSA");
    private static final KeyPair RSA_B = TestTokens.newKeyPair("RSA");
    private static final KeyPair EC_C = TestTokens.newKeyPair("EC");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestClock clock = new TestClock();
    private final List<String> fetches = new CopyOnWriteArrayList<>();
    private JwksServer idp;
    private Authenticator auth;

    @BeforeEach
    void start() throws Exception {
        idp = new JwksServer();
        idp.serve(200, TestTokens.jwks(Map.of("a", RSA_A, "c", EC_C)));
        auth = authenticator(Duration.ofSeconds(5));
        Conditions.await("the first fetch", WAIT, () -> fetches.size() == 1);
    }

    private Authenticator authenticator(Duration timeout) {
        return new Authenticator(new AuthConfig(false, Map.of(), "", List.of(), "", idp.url(), Duration.ofHours(1),
                Duration.ofSeconds(30), timeout, "", "", 8192, Duration.ofSeconds(30), Duration.ofSeconds(60),
                Map.of()), clock, fetches::add);
    }

    @AfterEach
    void stop() {
        auth.close();
        idp.close();
    }

    private static ObjectNode claims(String sub) {
        return TestTokens.claims(sub, 600, Map.of("*", new String[] {"subscribe"}));
    }

    private Principal verify(String token) {
        try {
            return auth.verifyAsync(token).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (ChorusException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private ErrorCode refusal(String token) {
        return assertThrows(ChorusException.class, () -> verify(token)).code();
    }

    @Test
    void rs256AndEs256TokensAreAcceptedByTheirKid() {
        assertEquals("ann", verify(TestTokens.signed(RSA_A, "a", claims("ann"))).clientId());
        assertEquals("cid", verify(TestTokens.signed(EC_C, "c", claims("cid"))).clientId());
        assertEquals("cid", auth.verify(TestTokens.signed(EC_C, "c", claims("cid"))).clientId());
        // Another kid's key does not verify it; nor does a key without the token's algorithm.
        assertEquals(ErrorCode.TOKEN_INVALID, refusal(TestTokens.signed(RSA_A, "c", claims("ann"))));
        assertEquals(ErrorCode.TOKEN_INVALID, refusal(TestTokens.signed(RSA_B, "a", claims("ann"))));
        assertEquals(ErrorCode.TOKEN_INVALID, refusal(TestTokens.hs256(claims("ann"))));
        assertEquals(List.of("ok"), fetches);
    }

    @Test
    void aRotatedInKeyIsFetchedForItsFirstTokenAndARetiredOneIsRefused() {
        assertEquals("ann", verify(TestTokens.signed(RSA_A, "a", claims("ann"))).clientId());
        idp.serve(200, TestTokens.jwks(Map.of("b", RSA_B)));
        clock.advance(Duration.ofSeconds(30));
        assertEquals("bob", verify(TestTokens.signed(RSA_B, "b", claims("bob"))).clientId());
        assertEquals(2, idp.requests());
        assertEquals(ErrorCode.TOKEN_INVALID, refusal(TestTokens.signed(RSA_A, "a", claims("ann"))));
        assertEquals(List.of("ok", "ok"), fetches);
    }

    @Test
    void aFloodOfUnknownKidsFetchesAtMostOncePerMinimumInterval() throws Exception {
        for (int round = 0; round < 3; round++) {
            clock.advance(Duration.ofSeconds(30));
            List<CompletableFuture<Principal>> flood = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                flood.add(auth.verifyAsync(TestTokens.signed(RSA_A, "made-up-" + round + "-" + i, claims("eve")))
                        .toCompletableFuture());
            }
            for (CompletableFuture<Principal> f : flood) {
                ExecutionExceptionAssert.refused(f, ErrorCode.TOKEN_INVALID);
            }
            assertEquals(2 + round, idp.requests(), "fetches after round " + round);
            // Within the interval nothing more is fetched, however many kids come.
            assertEquals(ErrorCode.TOKEN_INVALID, refusal(TestTokens.signed(RSA_A, "yet-another", claims("eve"))));
            assertEquals(2 + round, idp.requests());
        }
    }

    @Test
    void whenTheProviderFailsTheLastGoodKeysStayInUse() {
        idp.serve(500, "{}");
        clock.advance(Duration.ofSeconds(30));
        assertEquals(ErrorCode.TOKEN_INVALID, refusal(TestTokens.signed(RSA_B, "b", claims("bob"))));
        idp.serve(200, "{\"keys\":" + "[{\"kty\":\"oct\",\"k\":\"AAAA\"}]}");
        clock.advance(Duration.ofSeconds(30));
        assertEquals(ErrorCode.TOKEN_INVALID, refusal(TestTokens.signed(RSA_B, "b", claims("bob"))));
        Map<String, KeyPair> tooMany = new java.util.HashMap<>(Map.of("b", RSA_B));
        for (int i = 0; i < KeySet.MAX_KEYS; i++) {
            tooMany.put("ec-" + i, TestTokens.newKeyPair("EC"));
        }
        idp.serve(200, TestTokens.jwks(tooMany));
        clock.advance(Duration.ofSeconds(30));
        assertEquals(ErrorCode.TOKEN_INVALID, refusal(TestTokens.signed(RSA_B, "b", claims("bob"))));
        String oversized = TestTokens.jwks(Map.of("b", RSA_B)).replace("{", "{" + " ".repeat(JwksSource.MAX_RESPONSE_BYTES));
        idp.serve(200, oversized);
        clock.advance(Duration.ofSeconds(30));
        assertEquals(ErrorCode.TOKEN_INVALID, refusal(TestTokens.signed(RSA_B, "b", claims("bob"))));
        idp.close();
        clock.advance(Duration.ofSeconds(30));
        assertEquals(ErrorCode.TOKEN_INVALID, refusal(TestTokens.signed(RSA_B, "b", claims("bob"))));
        assertEquals(List.of("ok", "error", "error", "error", "error", "error"), fetches);
        assertEquals("ann", verify(TestTokens.signed(RSA_A, "a", claims("ann"))).clientId());
        assertEquals("cid", auth.verify(TestTokens.signed(EC_C, "c", claims("cid"))).clientId());
    }

    @Test
    void theSynchronousPathRefusesAnUnknownKidButStartsTheRefresh() {
        idp.serve(200, TestTokens.jwks(Map.of("b", RSA_B)));
        clock.advance(Duration.ofSeconds(30));
        String token = TestTokens.signed(RSA_B, "b", claims("bob"));
        assertEquals(ErrorCode.TOKEN_INVALID, assertThrows(ChorusException.class, () -> auth.verify(token)).code());
        Conditions.await("the refreshed key", WAIT, () -> fetches.size() == 2);
        assertEquals("bob", auth.verify(token).clientId());
    }

    @Test
    void aProviderThatNeverAnswersCostsAWaitingTokenOnlyTheTimeout() {
        idp.stall();
        try (Authenticator impatient = authenticator(Duration.ofMillis(300))) {
            // Its first fetch stalls; a token waiting for it is refused once jwksTimeout has passed.
            CompletableFuture<Principal> waiting = impatient.verifyAsync(TestTokens.signed(RSA_A, "a", claims("ann")))
                    .toCompletableFuture();
            ExecutionExceptionAssert.refused(waiting, ErrorCode.TOKEN_INVALID);
            Conditions.await("the stalled fetch to be given up", WAIT, () -> fetches.contains("error"));
        }
    }

    /** Waits for a verification that must fail. */
    private static final class ExecutionExceptionAssert {
        static void refused(CompletableFuture<Principal> f, ErrorCode code) {
            CompletionException e = assertThrows(CompletionException.class, () -> f.orTimeout(10, TimeUnit.SECONDS).join());
            assertEquals(code, assertInstanceOf(ChorusException.class, e.getCause()).code());
        }
    }
}
