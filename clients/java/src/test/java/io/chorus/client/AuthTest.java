package io.chorus.client;

import static io.chorus.client.Positions.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.schema.ChorusException;
import io.chorus.schema.CloseReason;
import io.chorus.schema.ErrorCode;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Tokens against a scripted server on manual time: the Bearer header, a fresh token per connect,
 * in-band refresh and its schedule, backoff on failures, and {@code retryAfterMs}. (The same against
 * a real gateway: clients/java/it, TokenIT.)
 */
class AuthTest extends GatewayTestBase {

    /** An auth callback the test answers by hand, one fetch at a time. */
    private static final class Tokens implements Supplier<CompletionStage<String>> {
        final BlockingQueue<CompletableFuture<String>> asked = new LinkedBlockingQueue<>();

        @Override
        public CompletionStage<String> get() {
            CompletableFuture<String> f = new CompletableFuture<>();
            asked.add(f);
            return f;
        }

        CompletableFuture<String> next() throws InterruptedException {
            CompletableFuture<String> f = asked.poll(FakeGateway.WAIT_SECONDS, TimeUnit.SECONDS);
            assertTrue(f != null, "the client did not ask for a token");
            return f;
        }

        void assertNotAsked() {
            assertTrue(asked.isEmpty(), "unexpected token fetch");
        }
    }

    @Test
    void noTokenMeansNoAuthorizationHeaderAndAFixedOneIsSentAsBearer() throws Exception {
        ChorusClient anonymous = client();
        assertNull(connect(anonymous, Recorder.on(anonymous)).header("Authorization"));
        ChorusClient fixed = client(b -> b.token("aaa.bbb.ccc"));
        assertEquals("Bearer aaa.bbb.ccc", connect(fixed, Recorder.on(fixed)).header("Authorization"));
    }

    @Test
    void everyConnectFetchesAFreshTokenFromTheCallback() throws Exception {
        Tokens tokens = new Tokens();
        ChorusClient client = client(b -> b.authCallback(tokens));
        Recorder rec = Recorder.on(client);
        client.connect();
        rec.expectState(ConnectionState.CONNECTING);
        tokens.next().complete("t.one.1");
        FakeSocket first = gateway.acceptConnected();
        assertEquals("Bearer t.one.1", first.header("Authorization"));
        rec.expectState(ConnectionState.CONNECTED);

        first.close(CloseReason.TOKEN_EXPIRED.code(), "token_expired");
        StateReason dropped = rec.expectState(ConnectionState.DISCONNECTED);
        assertEquals(CloseReason.TOKEN_EXPIRED, dropped.closeReason());
        time.advance(dropped.retryIn());
        rec.expectState(ConnectionState.CONNECTING);
        tokens.next().complete("t.two.2");
        FakeSocket second = gateway.acceptConnected();
        assertEquals("Bearer t.two.2", second.header("Authorization"));
        rec.expectState(ConnectionState.CONNECTED);
        tokens.assertNotAsked();
        rec.assertExhausted();
    }

    @Test
    void aFailingTokenSourceIsAskedAgainOnlyAfterAGrowingBackoffDelay() throws Exception {
        Tokens tokens = new Tokens();
        ChorusClient client = client(b -> b.authCallback(tokens));
        Recorder rec = Recorder.on(client);
        client.connect();
        for (int attempt = 0; attempt < 4; attempt++) {
            rec.expectState(ConnectionState.CONNECTING);
            tokens.next().completeExceptionally(new IllegalStateException("auth service down"));
            StateReason dropped = rec.expectState(ConnectionState.DISCONNECTED);
            assertEquals("could not get a token", dropped.text());
            assertInstanceOf(IllegalStateException.class, dropped.error());
            assertTrue(dropped.retryIn().compareTo(INITIAL.multipliedBy(1L << attempt)) <= 0, dropped.toString());
            tokens.assertNotAsked(); // nothing until the delay is over: no spin
            time.advance(dropped.retryIn());
        }
        rec.expectState(ConnectionState.CONNECTING);
        tokens.next().complete("t.ok.1");
        assertEquals("Bearer t.ok.1", gateway.acceptConnected().header("Authorization"));
        rec.expectState(ConnectionState.CONNECTED);
        rec.assertExhausted();
    }

    @Test
    void authExpiringRefreshesInBandAndTheNextRefreshIsDueBeforeTheReportedExpiry() throws Exception {
        Tokens tokens = new Tokens();
        ChorusClient client = client(b -> b.authCallback(tokens));
        Recorder rec = Recorder.on(client);
        client.subscribe(ROOM, SubscribeOptions.live(), rec);
        client.connect();
        rec.expectState(ConnectionState.CONNECTING);
        tokens.next().complete("t.one.1");
        FakeSocket socket = gateway.accept();
        socket.sendConnected(0); // no heartbeat: minutes of manual time pass without frames
        rec.expectState(ConnectionState.CONNECTED);
        socket.subscribed(socket.expect("subscribe"), at(1));

        socket.send(FakeSocket.frame("auth_expiring").put("expiresAt", time.clock().millis() + 60_000));
        tokens.next().complete("t.two.2");
        JsonNode auth = socket.expect("auth");
        assertEquals("t.two.2", auth.path("token").asText());
        long expiresAt = time.clock().millis() + 300_000;
        socket.send(FakeSocket.frame("authed").put("ref", auth.path("ref").asText()).put("clientId", "ada")
                .put("expiresAt", expiresAt));
        // Due 30 s before the expiry the server reported, with no warning needed.
        time.awaitTaskDueIn(Duration.ofMillis(270_000));
        time.advance(Duration.ofMillis(269_999));
        tokens.assertNotAsked();
        time.advance(Duration.ofMillis(1));
        tokens.next().complete("t.three.3");
        assertEquals("t.three.3", socket.expect("auth").path("token").asText());
        socket.message(ROOM, at(2), "still subscribed");
        rec.expectMessage(at(2));
        assertEquals(ConnectionState.CONNECTED, client.state());
        rec.assertExhausted();
    }

    @Test
    void aRefusedRefreshIsReportedAndTriedAgainAfterBackoffNotOnTheNextWarning() throws Exception {
        Tokens tokens = new Tokens();
        ChorusClient client = client(b -> b.authCallback(tokens));
        Recorder rec = Recorder.on(client);
        client.connect();
        rec.expectState(ConnectionState.CONNECTING);
        tokens.next().complete("t.one.1");
        FakeSocket socket = gateway.acceptConnected();
        rec.expectState(ConnectionState.CONNECTED);

        socket.send(FakeSocket.frame("auth_expiring").put("expiresAt", time.clock().millis() + 60_000));
        tokens.next().complete("t.other.sub");
        socket.error(socket.expect("auth"), 40102, "token_invalid", false, 2_000);
        assertEquals(ErrorCode.TOKEN_INVALID, rec.next(ChorusException.class).code());
        socket.send(FakeSocket.frame("auth_expiring").put("expiresAt", time.clock().millis() + 60_000));
        socket.send(FakeSocket.frame("ping"));
        socket.expect("pong");
        time.advance(Duration.ofMillis(1_999)); // retryAfterMs is longer than the backoff draw
        tokens.assertNotAsked();
        time.advance(Duration.ofMillis(1));
        tokens.next().complete("t.good.2");
        JsonNode auth = socket.expect("auth");
        socket.send(FakeSocket.frame("authed").put("ref", auth.path("ref").asText()).put("clientId", "ada"));
        socket.send(FakeSocket.frame("ping"));
        socket.expect("pong");
        tokens.assertNotAsked();
        rec.assertExhausted();
    }

    @Test
    void aWarningRightAfterARefreshWaitsASecondSoShortLivedTokensCannotMakeItSpin() throws Exception {
        Tokens tokens = new Tokens();
        ChorusClient client = client(b -> b.authCallback(tokens));
        Recorder rec = Recorder.on(client);
        client.connect();
        rec.expectState(ConnectionState.CONNECTING);
        tokens.next().complete("t.one.1");
        FakeSocket socket = gateway.acceptConnected();
        rec.expectState(ConnectionState.CONNECTED);
        socket.send(FakeSocket.frame("auth_expiring").put("expiresAt", time.clock().millis() + 500));
        tokens.next().complete("t.two.2");
        JsonNode auth = socket.expect("auth");
        socket.send(FakeSocket.frame("authed").put("ref", auth.path("ref").asText()).put("clientId", "ada")
                .put("expiresAt", time.clock().millis() + 500));
        socket.send(FakeSocket.frame("auth_expiring").put("expiresAt", time.clock().millis() + 500));
        socket.send(FakeSocket.frame("ping"));
        socket.expect("pong");
        tokens.assertNotAsked();
        time.awaitTaskDueIn(Duration.ofMillis(1_000));
        time.advance(Duration.ofMillis(999));
        tokens.assertNotAsked();
        time.advance(Duration.ofMillis(1));
        tokens.next().complete("t.three.3");
        assertEquals("t.three.3", socket.expect("auth").path("token").asText());
        rec.assertExhausted();
    }

    @Test
    void aFixedTokenThatExpiredFailsTheClientInsteadOfRetryingItForever() throws Exception {
        ChorusClient client = client(b -> b.token("t.fixed.1"));
        Recorder rec = Recorder.on(client);
        FakeSocket socket = connect(client, rec);
        socket.send(FakeSocket.frame("auth_expiring").put("expiresAt", time.clock().millis() + 1000));
        socket.send(FakeSocket.frame("ping"));
        socket.expect("pong"); // no auth frame: there is nothing to refresh with
        socket.close(CloseReason.TOKEN_EXPIRED.code(), "token_expired");
        StateReason failed = rec.expectState(ConnectionState.FAILED);
        assertTrue(failed.text().contains("fixed token"), failed.toString());
        assertEquals(0, time.liveTasks());
        rec.assertExhausted();
    }

    @Test
    void unauthorizedIsTerminal() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        ChorusClient client = client(b -> b.authCallback(() -> {
            fetches.incrementAndGet();
            return CompletableFuture.completedFuture("t.bad.1");
        }));
        Recorder rec = Recorder.on(client);
        var connected = client.connect();
        rec.expectState(ConnectionState.CONNECTING);
        FakeSocket socket = gateway.accept();
        socket.send(FakeSocket.frame("error").put("code", 40102).put("error", "token_invalid").put("message", "bad"));
        socket.close(CloseReason.UNAUTHORIZED.code(), "unauthorized");
        assertEquals(ErrorCode.TOKEN_INVALID, rec.next(ChorusException.class).code());
        assertEquals(CloseReason.UNAUTHORIZED, rec.expectState(ConnectionState.FAILED).closeReason());
        // The client fails its connect() future after it reports FAILED, on its delivery thread: wait for it.
        java.util.concurrent.ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> connected.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, failed.getCause(), failed.toString());
        assertEquals(1, fetches.get());
        assertEquals(0, time.liveTasks());
        rec.assertExhausted();
    }

    @Test
    void aRetryableErrorIsNotRetriedSoonerThanItsRetryAfterMs() throws Exception {
        ChorusClient client = client();
        Recorder rec = Recorder.on(client);
        FakeSocket socket = connect(client, rec);
        var result = client.publish(ROOM, null, "hi");
        socket.error(socket.expect("publish"), 42902, "rate_limited", true, 5_000);
        time.awaitTaskDueIn(Duration.ofMillis(5_000));
        time.advance(Duration.ofMillis(4_999));
        socket.send(FakeSocket.frame("ping"));
        socket.expect("pong");
        socket.assertNothingReceived();
        time.advance(Duration.ofMillis(1));
        JsonNode again = socket.expect("publish");
        socket.ack(again, at(9), false);
        assertEquals(at(9), result.get(5, TimeUnit.SECONDS).position());
        assertFalse(result.isCompletedExceptionally());
        rec.assertExhausted();
    }
}
