package io.chorus.gateway.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.schema.Position;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A raw WebSocket subscriber to one channel that behaves as the SDKs do across pod restarts: when its
 * connection closes (a drain's 4001, a drop) it reconnects with jittered backoff to a gateway the
 * picker names and subscribes with {@code since} its last position. It records the offset of every
 * message as delivered, in a fixed-size array, and every broken promise as a problem: an offset not
 * above the previous one (a duplicate or disorder), a resume answered {@code resumed:false}, an error
 * frame, more messages than the test sent.
 */
final class ResumingSubscriber {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PROBLEMS = 20;

    private final HttpClient http;
    private final String channel;
    private final List<URI> gateways;
    private final IntSupplier picker;
    private final ScheduledExecutorService timer;
    private final Random random;
    private final long[] offsets;
    private final List<String> problems = new ArrayList<>();
    private final CompletableFuture<Void> firstSubscribed = new CompletableFuture<>();
    /** Written under the lock, read without it by tests polling a thousand clients. */
    private volatile int received;
    private volatile boolean troubled;
    private String lastPosition;
    private long lastOffset = -1;
    private int resumes;
    private int failedConnects;
    private boolean closed;
    private WebSocket socket;

    /**
     * @param gateways the pods; {@code picker} chooses the index to connect to each time
     * @param capacity the most messages the test will send: one more is a problem, not a larger array
     */
    ResumingSubscriber(HttpClient http, String channel, List<URI> gateways, IntSupplier picker,
                       ScheduledExecutorService timer, long seed, int capacity) {
        this.http = http;
        this.channel = channel;
        this.gateways = gateways;
        this.picker = picker;
        this.timer = timer;
        this.random = new Random(seed);
        this.offsets = new long[capacity];
    }

    /** Connects and subscribes live; {@link #subscribed()} completes on the first {@code subscribed}. */
    void start() {
        connect(0);
    }

    CompletableFuture<Void> subscribed() {
        return firstSubscribed;
    }

    private void connect(int attempt) {
        URI uri = gateways.get(picker.getAsInt());
        Listener listener = new Listener();
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, listener)
                .whenComplete((ws, error) -> {
                    if (error != null) {
                        synchronized (this) {
                            failedConnects++;
                        }
                        retry(attempt + 1);
                    } else {
                        opened(ws, listener);
                    }
                });
    }

    private void opened(WebSocket ws, Listener listener) {
        synchronized (this) {
            if (closed) {
                ws.abort();
                return;
            }
            if (!listener.ended) {
                socket = ws;
                subscribe(ws);
                return;
            }
        }
        // Closed by the server before the handshake's future completed (a pod that began draining).
        retry(1);
    }

    private void subscribe(WebSocket ws) {
        String frame = lastPosition == null
                ? "{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + channel + "\"}"
                : "{\"type\":\"subscribe\",\"ref\":\"s\",\"channel\":\"" + channel + "\",\"since\":\"" + lastPosition
                        + "\"}";
        ws.sendText(frame, true);
    }

    /** Backoff with jitter, as the SDKs do; a client's behaviour, not the test waiting. */
    private void retry(int attempt) {
        long max = Math.min(2000, 100L << Math.min(attempt, 5));
        long delay;
        synchronized (this) {
            if (closed) {
                return;
            }
            delay = 50 + random.nextInt((int) max);
        }
        timer.schedule(() -> connect(attempt), delay, TimeUnit.MILLISECONDS);
    }

    private synchronized void onFrame(JsonNode f) {
        switch (f.path("type").asText()) {
            case "message" -> {
                String position = f.path("position").asText();
                long offset = Position.decode(position).offset();
                if (offset <= lastOffset) {
                    problem("offset " + offset + " after " + lastOffset);
                    return;
                }
                if (received == offsets.length) {
                    problem("more than the " + offsets.length + " messages sent");
                    return;
                }
                offsets[received++] = offset;
                lastOffset = offset;
                lastPosition = position;
            }
            case "subscribed" -> {
                if (f.has("resumed")) {
                    resumes++;
                    if (!f.path("resumed").asBoolean()) {
                        problem("resume refused: " + f);
                    }
                }
                if (lastPosition == null) {
                    lastPosition = f.path("position").asText();
                }
                firstSubscribed.complete(null);
            }
            case "error" -> problem("error frame " + f);
            default -> {
                // connected, ping, stream notices: nothing to check here
            }
        }
    }

    private void problem(String what) {
        troubled = true;
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(what);
        }
    }

    private void ended(WebSocket ws, Listener listener) {
        synchronized (this) {
            listener.ended = true;
            if (ws != socket || closed) {
                return;
            }
            socket = null;
        }
        retry(0);
    }

    int received() {
        return received;
    }

    /** Whether anything went wrong; {@link #problems} says what. */
    boolean troubled() {
        return troubled;
    }

    synchronized long[] offsets() {
        return Arrays.copyOf(offsets, received);
    }

    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** Subscribes answered with {@code resumed} (every reconnect after the first subscribe). */
    synchronized int resumes() {
        return resumes;
    }

    synchronized int failedConnects() {
        return failedConnects;
    }

    void close() {
        WebSocket ws;
        synchronized (this) {
            closed = true;
            ws = socket;
            socket = null;
        }
        if (ws != null) {
            ws.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        /** Guarded by the subscriber's lock. */
        private boolean ended;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    onFrame(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    synchronized (ResumingSubscriber.this) {
                        problem("unreadable frame: " + e);
                    }
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            ended(ws, this);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended(ws, this);
        }
    }
}
