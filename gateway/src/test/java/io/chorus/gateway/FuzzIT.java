package io.chorus.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.testing.Backend;
import io.chorus.gateway.testing.Conditions;
import io.chorus.gateway.testing.TestGateway;
import io.chorus.gateway.testing.TestKafka;
import io.chorus.gateway.testing.WsProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 random and mutated WebSocket frames and HTTP requests, seeded and reproducible
 * ({@code -Dchorus.fuzz.seed=N}), against a running gateway. Nothing may crash it, leak connections or
 * subscriptions, or report an internal error; a control subscriber receives every message throughout.
 */
class FuzzIT {

    private static final long SEED = Long.getLong("chorus.fuzz.seed", 20261127L);
    private static final int WS_FRAMES = Integer.getInteger("chorus.fuzz.frames", 80_000);
    private static final int HTTP_REQUESTS = Integer.getInteger("chorus.fuzz.requests", 20_000);
    private static final String[] TEMPLATES = {
        "{\"type\":\"subscribe\",\"ref\":\"1\",\"channel\":\"fuzz:a\"}",
        "{\"type\":\"subscribe\",\"ref\":\"2\",\"channel\":\"fuzz:b\",\"rewind\":3}",
        "{\"type\":\"subscribe\",\"ref\":\"3\",\"channel\":\"fuzz:c\",\"since\":\"AAAAAAAAAAAAAAAAAAAAAA.0.8.5\"}",
        "{\"type\":\"unsubscribe\",\"ref\":\"4\",\"channel\":\"fuzz:a\"}",
        "{\"type\":\"publish\",\"ref\":\"5\",\"channel\":\"fuzz:p\",\"id\":\"x1\",\"name\":\"n\",\"data\":{\"k\":[1,2]}}",
        "{\"type\":\"publish\",\"ref\":\"6\",\"channel\":\"fuzz:p\",\"data\":\"aGk=\",\"encoding\":\"base64\"}",
        "{\"type\":\"ping\",\"ref\":\"7\"}",
        "{\"type\":\"pong\"}",
        "{\"type\":\"subscribe\",\"ref\":\"8\",\"channel\":\"fuzz:r\",\"presence\":true,\"occupancy\":true}",
        "{\"type\":\"enter\",\"ref\":\"9\",\"channel\":\"fuzz:r\",\"data\":{\"name\":\"x\"}}",
        "{\"type\":\"update\",\"ref\":\"10\",\"channel\":\"fuzz:r\",\"data\":[1,\"two\"]}",
        "{\"type\":\"leave\",\"ref\":\"11\",\"channel\":\"fuzz:r\"}",
        "{\"type\":\"presence\",\"ref\":\"12\",\"channel\":\"fuzz:r\"}",
        "{\"type\":\"occupancy\",\"ref\":\"13\",\"channel\":\"fuzz:r\"}",
    };
    private static final String[] TOKENS = {"{", "}", "[", "]", ":", ",", "\"", "null", "true", "-1", "1e999",
        "\\u0000", "\\uD800", "🎉", "type", "channel", "since", "rewind", "publish", "subscribe", "9999999999999999999"};

    static String mutate(String s, Random r) {
        StringBuilder b = new StringBuilder(s);
        int edits = 1 + r.nextInt(4);
        for (int i = 0; i < edits && b.length() > 0; i++) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(6)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, TOKENS[r.nextInt(TOKENS.length)]);
                case 2 -> b.setCharAt(at, (char) r.nextInt(0x3000));
                case 3 -> b.setLength(at);
                case 4 -> b.insert(at, b.substring(0, Math.min(b.length(), r.nextInt(64))));
                default -> b.replace(at, Math.min(b.length(), at + 3), String.valueOf(r.nextLong()));
            }
        }
        return b.toString();
    }

    static String frame(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> "[".repeat(1 + r.nextInt(2000));
            case 1 -> randomText(r, r.nextInt(300));
            case 2 -> TEMPLATES[r.nextInt(TEMPLATES.length)];
            default -> mutate(TEMPLATES[r.nextInt(TEMPLATES.length)], r);
        };
    }

    static String randomText(Random r, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) (r.nextBoolean() ? 32 + r.nextInt(95) : r.nextInt(0xD7FF)));
        }
        return b.toString();
    }

    /** Counts what comes back, keeping nothing (the fuzzing side must not hold memory either). */
    static final class Counter implements WebSocket.Listener {
        final AtomicLong frames = new AtomicLong();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            frames.incrementAndGet();
            ws.request(1);
            return null;
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void randomAndMutatedInputNeverHurtsThePodOrOtherClients() throws Exception {
        Map<String, String> env = TestGateway.env();
        env.put("CHORUS_LIMITS_NEW_CONNECTIONS_PER_IP_PER_SECOND", "100000");
        env.put("CHORUS_FALLBACK_POLL_TIMEOUT", "20ms");
        env.put("CHORUS_AUTH_ANONYMOUS", "true");
        String topic = "chorus.fuzz";
        TestKafka.ensureTopic(topic, 4);
        java.nio.file.Path yaml = java.nio.file.Files.createTempFile("fuzz", ".yaml");
        java.nio.file.Files.writeString(yaml, "namespaces:\n  configured:\n    fuzz: {clientPublish: true}\n");
        Random random = new Random(SEED);
        try (TestGateway g = TestGateway.start(c -> ConfigLoader.load(false, yaml, env));
             Backend backend = new Backend("fuzz", "fuzz:control");
             WsProbe control = WsProbe.connect(g.wsUri())) {
            control.send("{\"type\":\"subscribe\",\"ref\":\"c\",\"channel\":\"fuzz:control\"}");
            control.expect("subscribed");
            HttpClient http = HttpClient.newHttpClient();
            int sent = 0;
            int controlMessages = 0;
            long started = System.nanoTime();
            for (int conn = 0; conn < 8; conn++) {
                Counter counter = new Counter();
                WebSocket ws = http.newWebSocketBuilder().buildAsync(g.wsUri(), counter).get(10, TimeUnit.SECONDS);
                for (int i = 0; i < WS_FRAMES / 8; i++) {
                    if (random.nextInt(50) == 0) {
                        byte[] bin = new byte[random.nextInt(100)];
                        random.nextBytes(bin);
                        ws.sendBinary(ByteBuffer.wrap(bin), true).get(10, TimeUnit.SECONDS);
                    } else {
                        ws.sendText(wellFormed(frame(random)), true).get(10, TimeUnit.SECONDS);
                    }
                    sent++;
                    if (sent % 4000 == 0) {
                        backend.send(controlMessages++);
                    }
                }
                ws.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
            }
            String[] methods = {"GET", "POST", "PUT", "DELETE", "OPTIONS"};
            long wsDone = System.nanoTime();
            // Streams (SSE) are 1 in 20: each costs a connection of its own, which the client drops.
            String[] paths = {"/v1/channels/%s/messages", "/v1/poll?channel=%s", "/v1/channels/%s/messages?limit=%s",
                "/v1/%s", "/health/%s", "/metrics?%s", "/sdk/%s", "/v1/channels/%s/messages?since=%s",
                "/v1/channels/%s/presence", "/v1/channels/%s/occupancy?%s"};
            for (int i = 0; i < HTTP_REQUESTS; i++) {
                boolean stream = random.nextInt(20) == 0;
                String pattern = stream ? "/v1/sse?channel=%s&positions=%s" : paths[random.nextInt(paths.length)];
                String path = String.format(pattern, enc(wellFormed(mutate("fuzz:h", random))),
                        enc(wellFormed(randomText(random, random.nextInt(40)))));
                String method = methods[random.nextInt(methods.length)];
                String body = wellFormed(random.nextBoolean() ? frame(random) : randomText(random, random.nextInt(200)));
                HttpRequest.Builder b;
                try {
                    b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.gateway().port() + path));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                b.method(stream ? "GET" : method, HttpRequest.BodyPublishers.ofString(body));
                int status;
                if (stream) {
                    HttpResponse<java.io.InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                    status = r.statusCode();
                    r.body().close(); // the client goes away mid-stream
                } else {
                    status = http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                }
                int st = status;
                assertTrue(st < 500 || st == 503, () -> st + " for " + method + " " + path);
                sent++;
                if (sent % 4000 == 0) {
                    backend.send(controlMessages++);
                }
            }
            System.out.printf("fuzz: %d inputs (WebSocket %d ms, HTTP %d ms), seed %d%n", sent,
                    TimeUnit.NANOSECONDS.toMillis(wsDone - started), TimeUnit.NANOSECONDS.toMillis(System.nanoTime()
                            - wsDone), SEED);
            assertTrue(sent >= (WS_FRAMES + HTTP_REQUESTS) * 99 / 100, "inputs sent (minus URIs the client refuses): "
                    + sent);
            for (int i = 0; i < controlMessages; i++) {
                JsonNode m = control.awaitFrame(f -> "message".equals(f.path("type").asText()), Duration.ofSeconds(20));
                assertEquals(i, m.get("data").get("n").asInt(), "the control client got every message in order");
            }
            var registry = g.gateway().metrics().registry();
            Conditions.await("fuzz connections released", Duration.ofSeconds(30),
                    () -> g.gateway().admission().open() == 1);
            Conditions.await("fuzz subscriptions released", Duration.ofSeconds(30),
                    () -> registry.get("chorus_subscriptions").gauge().value() == 1);
            Conditions.await("fuzz presence members released", Duration.ofSeconds(30),
                    () -> registry.get("chorus_presence_local_members").gauge().value() == 0);
            var internal = registry.find("chorus_errors").tag("error", "internal").counter();
            assertEquals(0, internal == null ? 0 : internal.count(), "no input reached an unexpected error path");
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(g.http("/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode());
            control.assertNoMoreFrames();
        }
    }

    /**
     * A text frame must be valid UTF-8 (WebSocket says so, and the JDK client refuses otherwise): a
     * mutation that split a surrogate pair gets a '?' instead.
     */
    static String wellFormed(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? '?' : c);
            }
        }
        return b.toString();
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
