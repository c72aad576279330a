package io.chorus.client.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.chorus.client.ChorusClient;
import io.chorus.client.ChorusClientBuilder;
import io.chorus.client.ConnectionState;
import io.chorus.client.SubscribeOptions;
import io.chorus.client.Subscription;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestTokens;
import io.chorus.schema.CloseReason;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens against a real gateway in production policy (no anonymous clients) with HS256 and a 2 s
 * expiry warning: short-lived tokens are refreshed in band with the subscription kept gap-free, a
 * 4004 close leads to a reconnect with a fresh token and a resume, an auth URL serves the tokens, and
 * a refused token is terminal.
 */
class TokenIT {

    private static final String NS = TestGateway.freshNamespace();
    private static final int TOKEN_SECONDS = 4;
    private static TestGateway gateway;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("chorus.yaml");
        Files.writeString(yaml, "auth:\n"
                + "  hmacSecret: " + TestTokens.SECRET + "\n"
                + "  clockSkew: 0s\n"
                + "  expiryWarning: 2s\n");
        Map<String, String> env = TestGateway.env();
        env.put("CHORUS_NAMESPACES_ALLOW_ANY", "true");
        gateway = TestGateway.start(c -> ConfigLoader.load(false, yaml, env));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static String token(String sub, long seconds) {
        ObjectNode claims = TestTokens.claims(sub, seconds, Map.of(NS + ":*", new String[] {"subscribe", "publish",
                "presence"}));
        return TestTokens.hs256(claims);
    }

    private static ChorusClient client(Received seen, UnaryOperator<ChorusClientBuilder> auth) {
        ChorusClient c = auth.apply(ChorusClient.builder(gateway.wsUri())
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))).build();
        c.addStateListener(seen);
        c.addErrorListener(seen.errors::add);
        return c;
    }

    @Test
    void shortLivedTokensAreRefreshedInBandAndTheSubscriptionStaysGapFree() throws Exception {
        String ch = NS + ":chat:refresh";
        Received seen = new Received();
        AtomicInteger fetches = new AtomicInteger();
        long start = System.currentTimeMillis();
        try (Backend backend = new Backend(NS, ch); ChorusClient client = client(seen, b -> b.authCallback(() -> {
            fetches.incrementAndGet();
            return CompletableFuture.completedFuture(token("ada", TOKEN_SECONDS));
        }))) {
            Subscription sub = client.subscribe(ch, SubscribeOptions.live(), seen);
            client.connect().get(30, TimeUnit.SECONDS);
            sub.ready().get(30, TimeUnit.SECONDS);
            backend.sendRange(0, 5);
            seen.awaitNumbers(5);
            // Three token lifetimes: without in-band refreshes the server would have closed twice.
            long until = start + 3 * TOKEN_SECONDS * 1000L;
            int n = 5;
            while (System.currentTimeMillis() < until) {
                backend.sendRange(n, n + 5);
                n += 5;
                seen.awaitNumbers(n);
            }
            backend.sendRange(n, n + 5);
            n += 5;
            seen.awaitNumbers(n);
            seen.assertExactly(n);
            assertTrue(fetches.get() >= 3, "a fresh token per refresh: " + fetches.get());
            assertEquals(1, seen.count(ConnectionState.CONNECTED), "never reconnected: " + seen.states);
            assertEquals(0, seen.count(ConnectionState.DISCONNECTED), "never dropped: " + seen.states);
            assertTrue(seen.errors.isEmpty(), "no errors: " + seen.errors);
        }
    }

    @Test
    void aTokenThatExpiresLeadsTo4004AndAReconnectWithAFreshTokenThatResumes() throws Exception {
        String ch = NS + ":chat:expiry";
        Received seen = new Received();
        AtomicInteger fetches = new AtomicInteger();
        AtomicBoolean expired = new AtomicBoolean();
        try (Backend backend = new Backend(NS, ch); ChorusClient client = client(seen, b -> b.authCallback(() -> {
            int call = fetches.incrementAndGet();
            if (call == 1) {
                return CompletableFuture.completedFuture(token("bea", 3));
            }
            if (!expired.get()) {
                return CompletableFuture.failedFuture(new IllegalStateException("token service down"));
            }
            return CompletableFuture.completedFuture(token("bea", 60));
        }))) {
            client.addStateListener((state, reason) -> {
                if (reason.closeCode() == CloseReason.TOKEN_EXPIRED.code()) {
                    expired.set(true);
                }
            });
            Subscription sub = client.subscribe(ch, SubscribeOptions.live(), seen);
            client.connect().get(30, TimeUnit.SECONDS);
            sub.ready().get(30, TimeUnit.SECONDS);
            backend.sendRange(0, 5);
            seen.awaitNumbers(5);

            Received.State dropped = seen.awaitState(ConnectionState.DISCONNECTED);
            assertEquals(CloseReason.TOKEN_EXPIRED, dropped.reason().closeReason(), "closed at expiry: " + dropped);
            backend.sendRange(5, 10); // while the client is away or coming back
            Conditions.await("connected again", Received.WAIT, () -> seen.count(ConnectionState.CONNECTED) == 2);
            backend.sendRange(10, 15);
            seen.awaitNumbers(15);
            seen.assertExactly(15);
            assertEquals(ConnectionState.CONNECTED, client.state());
            // The refresh failures were reported, and backed off: a handful in three seconds, not a spin.
            assertTrue(seen.errors.stream().allMatch(e -> e.getMessage().contains("token")), "" + seen.errors);
            assertTrue(fetches.get() < 40, "fetches backed off: " + fetches.get());
        }
    }

    @Test
    void anAuthUrlServesTheTokenAsJsonOrPlainTextForConnectAndRefresh() throws Exception {
        String ch = NS + ":chat:url";
        Received seen = new Received();
        AtomicInteger requests = new AtomicInteger();
        HttpServer auth = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        auth.createContext("/token", exchange -> {
            int n = requests.incrementAndGet();
            String t = token("cid", TOKEN_SECONDS);
            // Odd requests answer JSON, even ones plain text: both shapes the SDK must read.
            byte[] body = (n % 2 == 1 ? "{\"token\":\"" + t + "\"}" : t + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", n % 2 == 1 ? "application/json" : "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        auth.start();
        URI url = URI.create("http://127.0.0.1:" + auth.getAddress().getPort() + "/token");
        long start = System.currentTimeMillis();
        try (Backend backend = new Backend(NS, ch); ChorusClient client = client(seen, b -> b.authUrl(url))) {
            Subscription sub = client.subscribe(ch, SubscribeOptions.live(), seen);
            client.connect().get(30, TimeUnit.SECONDS);
            sub.ready().get(30, TimeUnit.SECONDS);
            Conditions.await("two refreshes past the first token's expiry", Received.WAIT,
                    () -> requests.get() >= 3 && System.currentTimeMillis() > start + (TOKEN_SECONDS + 1) * 1000L);
            backend.sendRange(0, 5);
            seen.awaitNumbers(5);
            seen.assertExactly(5);
            assertEquals(1, seen.count(ConnectionState.CONNECTED), "never reconnected: " + seen.states);
            assertEquals(0, seen.count(ConnectionState.DISCONNECTED), "never dropped: " + seen.states);
            assertTrue(seen.errors.isEmpty(), "no errors: " + seen.errors);
        } finally {
            auth.stop(0);
        }
    }

    @Test
    void aTokenTheGatewayRefusesIsTerminalAndTheStateListenerIsTold() throws Exception {
        Received seen = new Received();
        AtomicInteger fetches = new AtomicInteger();
        String forged = token("eve", 60);
        String bad = forged.substring(0, forged.lastIndexOf('.') + 1) + "AAAA" + forged.substring(forged.lastIndexOf('.') + 5);
        try (ChorusClient client = client(seen, b -> b.authCallback(() -> {
            fetches.incrementAndGet();
            return CompletableFuture.completedFuture(bad);
        }))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> client.connect().get(30, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            Received.State failed = seen.awaitState(ConnectionState.FAILED);
            assertEquals(CloseReason.UNAUTHORIZED, failed.reason().closeReason());
            assertEquals(1, fetches.get(), "no reconnect after 4101");
            assertEquals(0, seen.count(ConnectionState.CONNECTED));
        }
    }

    @Test
    void aFixedTokenIsSentAsBearerAndAnExpiredOneFailsForGood() throws Exception {
        Received ok = new Received();
        try (ChorusClient client = client(ok, b -> b.token(token("fay", 60)))) {
            client.connect().get(30, TimeUnit.SECONDS);
            assertEquals("fay", clientIdOf(client));
        }
        Received seen = new Received();
        try (ChorusClient client = client(seen, b -> b.token(token("fay", -120)))) {
            assertThrows(ExecutionException.class, () -> client.connect().get(30, TimeUnit.SECONDS));
            Received.State failed = seen.awaitState(ConnectionState.FAILED);
            assertEquals(CloseReason.TOKEN_EXPIRED, failed.reason().closeReason(), "" + failed);
            assertEquals(0, seen.count(ConnectionState.CONNECTED));
        }
    }

    private static String clientIdOf(ChorusClient client) {
        return client.clientId();
    }
}
