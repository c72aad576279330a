package io.chorus.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.parsetools.RecordParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * An SSE client that parses the stream into events (id, event, data) and records them in a queue. It
 * speaks HTTP/1.1 as EventSource does; {@link #h2c} speaks HTTP/2 over cleartext by prior knowledge,
 * through Vert.x's client (the JDK's only upgrades, and loses long answers after an upgrade:
 * gateway/README.md, "HTTP/2").
 */
public final class SseProbe implements AutoCloseable {

    /** One event; {@code data} parsed as JSON; comments arrive as events of type "comment". */
    public record Event(String id, String type, JsonNode data) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Made on first use of {@link #h2c}; its threads live as long as the test JVM. */
    private static final class H2c {
        static final HttpClientAgent CLIENT = Vertx.vertx().createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** Cancels the request: the JDK's future, or the HTTP/2 stream's reset. */
    private final Runnable cancel;
    private volatile Stream<String> lines;
    public volatile int status;
    public volatile HttpClient.Version version;
    // The event being parsed: touched by one thread at a time (the reader thread or the event loop).
    private String id;
    private String type = "message";
    private final StringBuilder data = new StringBuilder();

    public SseProbe(URI uri, String lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        CompletableFuture<HttpResponse<Stream<String>>> response = HTTP.sendAsync(b.build(),
                HttpResponse.BodyHandlers.ofLines());
        cancel = () -> response.cancel(true);
        response.thenAccept(r -> {
            status = r.statusCode();
            version = r.version();
            lines = r.body();
            Thread t = new Thread(() -> read(r.body()), "sse-probe");
            t.setDaemon(true);
            t.start();
        });
    }

    private SseProbe(Future<HttpClientRequest> request, String lastEventId) {
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        cancel = () -> {
            HttpClientRequest r = sent.get();
            if (r != null) {
                r.reset();
            }
        };
        request.compose(req -> {
            sent.set(req);
            req.putHeader("accept", "text/event-stream");
            if (lastEventId != null) {
                req.putHeader("Last-Event-ID", lastEventId);
            }
            return req.send();
        }).onSuccess(r -> {
            status = r.statusCode();
            version = r.version() == HttpVersion.HTTP_2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
            r.handler(RecordParser.newDelimited("\n", line -> line(line.toString(StandardCharsets.UTF_8))));
            r.endHandler(v -> events.add(new Event(null, "END", null)));
            r.exceptionHandler(e -> events.add(new Event(null, "END", null)));
        }).onFailure(e -> events.add(new Event(null, "END", null)));
    }

    /** Over HTTP/2 by prior knowledge: the gateway must have {@code http.h2c} on. */
    public static SseProbe h2c(URI uri, String lastEventId) {
        return new SseProbe(H2c.CLIENT.request(HttpMethod.GET, uri.getPort(), uri.getHost(),
                uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())), lastEventId);
    }

    private void read(Stream<String> body) {
        try {
            for (String l : (Iterable<String>) body::iterator) {
                line(l);
            }
        } catch (Exception e) {
            // stream closed
        }
        events.add(new Event(null, "END", null));
    }

    private void line(String line) {
        if (line.isEmpty()) {
            if (data.length() > 0) {
                try {
                    events.add(new Event(id, type, WsProbe.JSON.readTree(data.toString())));
                } catch (java.io.IOException e) {
                    events.add(new Event(id, "unparsable: " + data, null));
                }
            }
            id = null;
            type = "message";
            data.setLength(0);
        } else if (line.startsWith(":")) {
            events.add(new Event(null, "comment", null));
        } else if (line.startsWith("id: ")) {
            id = line.substring(4);
        } else if (line.startsWith("event: ")) {
            type = line.substring(7);
        } else if (line.startsWith("data: ")) {
            data.append(line.substring(6));
        }
    }

    /** The next event that is not a heartbeat (or the stream's connected event); it must have this type. */
    public Event expect(String type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            boolean heartbeat = "ping".equals(e == null ? null : e.type()) || "comment".equals(e == null ? null : e.type());
            boolean skipConnected = e != null && "connected".equals(e.type()) && !"connected".equals(type);
            if (e != null && !heartbeat && !skipConnected) {
                assertEquals(type, e.type(), () -> "unexpected event " + e);
                return e;
            }
        }
        fail("no '" + type + "' event within 20 s");
        return null;
    }

    public boolean sawPing(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e != null && "ping".equals(e.type())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        cancel.run();
        Stream<String> l = lines;
        if (l != null) {
            l.close();
        }
    }
}
